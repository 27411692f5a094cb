import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { DomainError, ErrorCode, RpcErrorPayload, toDomainError } from '@quire/errors';
import { isDatabaseUnavailable } from '../database/database-unavailable';

/**
 * Every error a message handler throws leaves as `{code, message, details}`. Domain errors keep
 * their code; Postgres out of reach is SERVICE_UNAVAILABLE (the caller may retry; the pool
 * reconnects by itself); anything else is logged here and leaves as INTERNAL with no internals.
 */
@Catch()
export class RpcDomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Rpc');

  catch(exception: unknown, host: ArgumentsHost): Observable<RpcErrorPayload> | void {
    if (host.getType() === 'http') return this.replyHttp(exception, host);
    if (!(exception instanceof DomainError) && isDatabaseUnavailable(exception)) {
      this.logger.warn({ err: exception }, 'The database is unavailable');
      return throwError(() => new DomainError(ErrorCode.ServiceUnavailable, 'The service cannot reach its database, try again').toRpc());
    }
    if (!(exception instanceof DomainError)) {
      const subject = host.getType() === 'rpc' ? host.switchToRpc().getContext()?.getSubject?.() : undefined;
      this.logger.error({ err: exception, subject }, 'Unhandled error in message handler');
    }
    return throwError(() => toDomainError(exception).toRpc());
  }

  /** A service's own HTTP routes (health, metrics): HTTP errors as they are, anything else a bare 500. */
  private replyHttp(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<{ status(code: number): { send(body: unknown): void } }>();
    if (exception instanceof HttpException) return reply.status(exception.getStatus()).send(exception.getResponse());
    this.logger.error({ err: exception }, 'Unhandled error in HTTP handler');
    reply.status(500).send({ statusCode: 500, message: 'Internal server error' });
  }
}
