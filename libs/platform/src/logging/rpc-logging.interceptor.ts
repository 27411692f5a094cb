import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';
import { Observable, tap } from 'rxjs';
import { requestIdFrom } from '../nats/rpc-context';
import { rpcDuration } from '../metrics/metrics';

/**
 * Runs each message handler with a logger bound to the gateway's request id, logs one line per
 * message and records its duration.
 */
@Injectable()
export class RpcLoggingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const subject: string = context.switchToRpc().getContext().getSubject();
    const requestId = requestIdFrom(context);
    const logger = PinoLogger.root.child({ requestId, subject });
    const started = process.hrtime.bigint();
    const finish = (outcome: string, err?: unknown) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      rpcDuration.observe([subject, outcome], ms / 1000);
      logger.info({ responseTime: Math.round(ms * 10) / 10, outcome, ...(err ? { errorCode: codeOf(err) } : {}) }, 'rpc');
    };
    return new Observable((subscriber) =>
      storage.run(new Store(logger), () =>
        next
          .handle()
          .pipe(
            tap({
              complete: () => finish('ok'),
              error: (err: unknown) => finish('error', err),
            }),
          )
          .subscribe(subscriber),
      ),
    );
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'INTERNAL';
}
