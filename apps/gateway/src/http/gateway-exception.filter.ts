import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { documentsError, DomainError, ErrorCode, HttpErrorResponse, mapHttpError } from '@quire/errors';
import { familyOf } from '../families/families';

/** What a status from Fastify or Nest means as a domain error code. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return ErrorCode.Unauthenticated;
  if (status === 403) return ErrorCode.Forbidden;
  if (status === 404 || status === 405) return ErrorCode.NotFound;
  if (status === 408) return ErrorCode.RequestTimeout;
  if (status === 409) return ErrorCode.Conflict;
  if (status === 413) return ErrorCode.PayloadTooLarge;
  if (status === 414) return ErrorCode.UriTooLong;
  if (status === 415) return ErrorCode.UnsupportedMediaType;
  if (status === 429) return ErrorCode.RateLimited;
  if (status >= 400 && status < 500) return ErrorCode.BadRequest;
  if (status === 503) return ErrorCode.ServiceUnavailable;
  if (status === 504) return ErrorCode.UpstreamTimeout;
  return ErrorCode.Internal;
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Every error leaving the gateway, in the wire shape of the family whose mount the URL is under.
 * Client errors keep their meaning; anything unexpected is logged and answered as a bare 500.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const response = familyErrorResponse(request.url, this.toDomainError(exception, request));
    if (reply.sent) return;
    for (const [name, value] of Object.entries(response.headers ?? {})) void reply.header(name, value);
    void reply.status(response.status).send(response.body);
  }

  private toDomainError(exception: unknown, request: FastifyRequest): DomainError {
    if (exception instanceof DomainError) return exception;
    const status = statusOf(exception);
    if (status !== undefined && status < 500) {
      const code = codeForStatus(status);
      const message =
        status === 404 ? `No route for ${request.method} ${request.url.split('?')[0]}` : httpMessage(exception) ?? code;
      return new DomainError(code, message);
    }
    this.logger.error({ err: exception, url: request.url }, 'Unhandled error');
    return new DomainError(ErrorCode.Internal, 'Internal server error');
  }
}

/** `error` in the wire shape of the family `url` belongs to (documents' outside every mount). */
export function familyErrorResponse(url: string, error: DomainError): HttpErrorResponse {
  const family = familyOf(url);
  return family ? mapHttpError(family, error) : documentsError(error);
}

function httpMessage(exception: unknown): string | undefined {
  if (exception instanceof HttpException) {
    const body = exception.getResponse();
    if (typeof body === 'string') return body;
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.join('; ');
  }
  const message = (exception as { message?: unknown })?.message;
  return typeof message === 'string' ? message : undefined;
}
