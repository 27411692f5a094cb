import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '@quire/errors';
import { codeForStatus, familyErrorResponse } from './gateway-exception.filter';
import { JsonBodyLimits, registerJsonBody } from './json-body';
import { assertAcceptableUrl } from './request-url';

/**
 * The checks every request passes before any route sees it, for all five families at once
 * (ADR 017): the URL (percent-encoding, UTF-8, NUL, lone surrogates) and the JSON body (size,
 * depth, UTF-8, NUL, lone surrogates); an empty body of any type is no body. Refusals are DomainErrors, written by
 * GatewayExceptionFilter in the family's shape.
 */
export function registerEdgeChecks(fastify: FastifyInstance, limits: JsonBodyLimits): void {
  registerJsonBody(fastify, limits);
  // Callback style, like the gateway's other hooks: no promise per request.
  fastify.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    try {
      assertAcceptableUrl(request.url);
    } catch (error) {
      return done(error as Error);
    }
    // An empty body is no body, whatever it is labelled: the documents spec's body-less PUTs send
    // `Content-Length: 0`, and clients add `Content-Type: application/json` (or a form type) to them.
    if (request.headers['content-length'] === '0' && request.headers['content-type'] !== undefined) delete request.headers['content-type'];
    done();
  });
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any hook or Nest filter runs (a
 * path that cannot be decoded, FST_ERR_BAD_URL; a path parameter over maxParamLength,
 * FST_ERR_MAX_PARAM_LENGTH 414), written in the family's shape with the usual headers.
 */
export function frameworkErrorWriter(headersFor: (url: string) => Record<string, string>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const status = typeof error.statusCode === 'number' ? error.statusCode : 400;
    const url = request.raw.url ?? '/';
    const response = familyErrorResponse(url, new DomainError(codeForStatus(status), error.message, { in: 'path', reason: error.code }));
    const body = JSON.stringify(response.body);
    reply.raw.writeHead(response.status, {
      ...headersFor(url),
      ...(response.headers ?? {}),
      'x-request-id': String(request.id),
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    reply.raw.end(body);
  };
}

/** Node's HTTP parser refusing a request (a raw byte in the URL, a malformed header line). */
interface ClientError extends Error {
  code?: string;
  rawPacket?: unknown;
}

/**
 * Fastify's `clientErrorHandler`: Node refused the request before Fastify saw it. A malformed
 * request (400) is answered in the shape of the family its request line names; a request timeout
 * (408) and headers over the limit (431) keep Fastify's own answer. Every one closes the
 * connection and says so, so a keep-alive client does not reuse the dying socket.
 */
export function clientErrorWriter(headersFor: (url: string) => Record<string, string>) {
  return (error: ClientError, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    let status = 400;
    let body: string;
    let extra: Record<string, string> = {};
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'HPE_HEADER_OVERFLOW') {
      status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 408;
      body = JSON.stringify({ error: status === 431 ? 'Request Header Fields Too Large' : 'Request Timeout', statusCode: status });
    } else {
      const url = /^[A-Z]+ (\S+)/.exec(Buffer.isBuffer(error.rawPacket) ? error.rawPacket.toString('latin1') : '')?.[1] ?? '/';
      const response = familyErrorResponse(url, new DomainError(ErrorCode.BadRequest, 'The request is malformed', { reason: error.code ?? 'malformed request' }));
      status = response.status;
      body = JSON.stringify(response.body);
      extra = headersFor(url);
    }
    if (socket.writable) {
      const headers = { ...extra, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
    }
    socket.destroy(error);
  };
}
