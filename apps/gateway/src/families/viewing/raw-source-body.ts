import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage } from '@quire/platform';
import { assertDeclaredLengthWithin, ClientIdleTimeout } from '../../uploads/upload-body';

/** The routes whose body is a raw document (PUT …/SourceFile, PUT /v2/viewingSessions/{id}/sourceFile/…, PUT /v2/viewingPackageCreators/{id}/SourceFile). */
const SOURCE_FILE_PUT = /^\/pas\/(ViewingSession\/u[^/?]+\/SourceFile|v2\/viewingSessions\/[^/?]+\/sourceFile\/(original|revised)|v2\/viewingPackageCreators\/[^/?]+\/SourceFile)(\?|$)/i;
const RAW_TYPE = 'application/x-quire-raw-source';
const ORIGINAL_TYPE_HEADER = 'x-quire-original-content-type';

/**
 * A SourceFile body is the document itself, in any content type (or none). On those routes only,
 * the request is relabelled so one parser hands the unread stream to the route, which streams it
 * to S3 (never buffered; the size limit is the service's, counted as the bytes pass).
 */
@Injectable()
export class RawSourceBody implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addContentTypeParser(RAW_TYPE, (_request, payload, done) => done(null, payload));
    fastify.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (request.method === 'PUT' && SOURCE_FILE_PUT.test(request.url)) {
        const original = request.headers['content-type'];
        if (original) request.headers[ORIGINAL_TYPE_HEADER] = original;
        request.headers['content-type'] = RAW_TYPE;
      }
      done();
    });
  }
}

export function originalContentType(request: FastifyRequest): string {
  const value = request.headers[ORIGINAL_TYPE_HEADER];
  const text = (Array.isArray(value) ? value[0] : value)?.split(';')[0]?.trim().toLowerCase();
  return text && /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(text) ? text : 'application/octet-stream';
}

export interface StreamedSource {
  sizeBytes: number;
  sha256: string;
  headHex: string;
}

export interface SourceFileLimits {
  maxBytes: number;
  contentType: string;
  /** No byte from the client for this long: 408, nothing left in storage. */
  idleTimeoutMs: number;
}

/**
 * Streams the body of `request` to `key`, counting and hashing; a declared length over `maxBytes`
 * is refused before reading, and over `maxBytes`, stalled or on any failure nothing is left.
 */
export async function streamToStorage(storage: ObjectStorage, key: string, request: FastifyRequest, limits: SourceFileLimits): Promise<StreamedSource> {
  const { maxBytes, contentType } = limits;
  const body = request.body;
  if (!(body instanceof Readable)) throw new DomainError(ErrorCode.BadRequest, 'The request has no document body', { errorCode: 'InvalidInput', in: 'body' });
  assertDeclaredLengthWithin(request, maxBytes);
  const idle = new ClientIdleTimeout(limits.idleTimeoutMs, request);
  const upload = storage.openUpload(key, { contentType });
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      const next = await idle.wait(chunks.next());
      if (next.done) break;
      const bytes = next.value;
      size += bytes.length;
      if (size > maxBytes) throw new DomainError(ErrorCode.PayloadTooLarge, `The document is larger than ${maxBytes} bytes`, { maxBytes });
      if (head.length < 16) head = Buffer.concat([head, bytes.subarray(0, 16 - head.length)]);
      hash.update(bytes);
      await upload.write(bytes);
    }
    if (size === 0) throw new DomainError(ErrorCode.BadRequest, 'The document is empty', { errorCode: 'InvalidInput', in: 'body' });
    await upload.finish();
  } catch (error) {
    await upload.abort().catch(() => undefined);
    await storage.deleteQuietly([key]);
    if (error instanceof DomainError) throw error;
    throw new DomainError(ErrorCode.ServiceUnavailable, 'The document could not be stored, try again');
  }
  return { sizeBytes: size, sha256: hash.digest('hex'), headHex: head.toString('hex') };
}
