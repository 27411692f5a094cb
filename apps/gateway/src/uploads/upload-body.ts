import { IncomingMessage } from 'node:http';
import { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '@quire/errors';

/**
 * Limits on reading an upload's body that do not depend on what it holds (ADR 019): a client that
 * stops sending is cut off, and a body declared larger than the route accepts is refused before a
 * byte of it is read. Either way the connection is closed after the answer, the rest unread.
 */

const closeUnread = new WeakSet<IncomingMessage>();

/** Answer `request` and close its connection without reading (or draining) the rest of its body. */
export function closeWithoutReading(request: FastifyRequest): void {
  closeUnread.add(request.raw);
}

/** True when the answer to `raw` must close the connection at once (see multipart.ts). */
export function mustCloseWithoutReading(raw: IncomingMessage): boolean {
  return closeUnread.has(raw);
}

/**
 * Refuses (413) a body whose `Content-Length` is above `maxBodyBytes`, before reading any of it.
 * A body without one (chunked) is counted as it streams instead.
 */
export function assertDeclaredLengthWithin(request: FastifyRequest, maxBodyBytes: number): void {
  const declared = Number(request.headers['content-length']);
  if (!Number.isFinite(declared) || declared <= maxBodyBytes) return;
  closeWithoutReading(request);
  throw new DomainError(ErrorCode.PayloadTooLarge, `The request body (${declared} bytes) is larger than this upload accepts (${maxBodyBytes} bytes)`, {
    maxBytes: maxBodyBytes,
  });
}

/**
 * Waits on the client's next bytes at most `idleMs` at a time. Only waits on the client count:
 * time spent writing to storage or waiting for a service does not.
 */
export class ClientIdleTimeout {
  constructor(
    readonly idleMs: number,
    private readonly request: FastifyRequest,
  ) {}

  /** Resolves as `next` does, or fails with REQUEST_TIMEOUT when it takes longer than idleMs. */
  wait<T>(next: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        closeWithoutReading(this.request);
        reject(
          new DomainError(ErrorCode.RequestTimeout, `The upload stalled: no data for ${Math.round(this.idleMs / 1000)} s`, {
            idleTimeoutSeconds: Math.round(this.idleMs / 1000),
          }),
        );
      }, this.idleMs);
      // A `next` that settles after the timeout (the socket closing) settles nothing more.
      next.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
