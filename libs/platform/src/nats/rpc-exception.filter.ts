import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { DomainError, RpcErrorPayload, toDomainError } from '@quire/errors';

/**
 * Every error a message handler throws leaves as `{code, message, details}`. Domain errors keep
 * their code; anything else is logged here and leaves as INTERNAL with no internals.
 */
@Catch()
export class RpcDomainExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Rpc');

  catch(exception: unknown, host: ArgumentsHost): Observable<RpcErrorPayload> {
    if (!(exception instanceof DomainError)) {
      const subject = host.getType() === 'rpc' ? host.switchToRpc().getContext()?.getSubject?.() : undefined;
      this.logger.error({ err: exception, subject }, 'Unhandled error in message handler');
    }
    return throwError(() => toDomainError(exception).toRpc());
  }
}
