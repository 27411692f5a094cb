import { createHash } from 'node:crypto';
import type { Multipart, MultipartFile, MultipartValue } from '@fastify/multipart';
import { Logger } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { UploadReservation } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage, ObjectUpload } from '@quire/platform';
import { textProblem } from '../http/hostile-text';
import { detectFileType, detectFileTypeOrText } from './file-signatures';
import { assertDeclaredLengthWithin, ClientIdleTimeout } from './upload-body';
import { FileFieldSpec, ReceivedFile, ReceivedUpload, ReservedUploadRoute, TextFieldSpec, UploadSpec } from './upload-spec';

/**
 * S3's smallest part. Memory per file in flight is about PART_SIZE_BYTES × (QUEUE_SIZE + 1), in
 * part buffers reused from upload to upload; a request has at most two files in flight (one
 * completing in S3 while the next is read).
 */
export const UPLOAD_PART_SIZE_BYTES = 5 * 1024 * 1024;
export const UPLOAD_QUEUE_SIZE = 4;
/** How much of a file is held back until its signature has been checked. */
export const SIGNATURE_HEAD_BYTES = 4096;

/** How often a commit that timed out is sent again with the same reservation (it is idempotent). */
export const COMMIT_RETRIES_AFTER_TIMEOUT = 2;

/** The longest UTF-8 encoding of one UTF-16 code unit, for busboy's byte limit on text fields. */
const MAX_UTF8_BYTES_PER_CHAR = 3;

/**
 * What a multipart body may hold besides the values themselves, per part: its boundary line and
 * headers (a long UTF-8 file name included). Generous: it only decides when a declared
 * `Content-Length` is refused before reading; the values are counted exactly as they stream.
 */
const MULTIPART_OVERHEAD_BYTES_PER_PART = 8 * 1024;

/** Default for UPLOAD_IDLE_TIMEOUT_SECONDS (the module passes the setting). */
export const DEFAULT_UPLOAD_IDLE_TIMEOUT_MS = 30_000;

/**
 * Streams multipart uploads straight into object storage (DESIGN.md "Big payloads never cross
 * NATS"). Every upload is reserved (`upload`): each file goes to the final key the owning service
 * reserved for its field, under the reservation's limit. Bytes are counted and hashed and the
 * first bytes checked while they stream; nothing holds a whole file in memory. Any rejection
 * deletes what this request wrote.
 */
export class UploadPipeline {
  private readonly logger = new Logger(UploadPipeline.name);

  constructor(
    private readonly storage: ObjectStorage,
    /** No byte from the client for this long while a body is read: 408, the staged objects deleted. */
    private readonly idleTimeoutMs = DEFAULT_UPLOAD_IDLE_TIMEOUT_MS,
  ) {}

  /**
   * A reserved upload, whole: the reservation (the service checks the principal and answers keys
   * and limits), the body streamed to those keys, then the commit naming the reservation. A commit
   * that times out is sent again (bounded): the service answers a retry with its first answer.
   * When the commit fails the objects are deleted here too (a rejection's already were, by the
   * service; nobody listening, or storage down, leaves the reservation open with nothing to link,
   * and the client uploads again under a new one) — except after a last timeout, when the
   * service may still be linking them: then its sweeper deletes them if the reservation expires.
   */
  async upload<R extends UploadReservation, T>(request: FastifyRequest, route: ReservedUploadRoute<R, T>): Promise<T> {
    const reservation = await route.reserve();
    const received = await this.receive(request, route.spec(reservation), reservation);
    try {
      return await this.retryAfterTimeout(() => route.commit(reservation, received));
    } catch (error) {
      if (!(error instanceof DomainError && error.code === ErrorCode.UpstreamTimeout)) await this.discard(received.files);
      throw error;
    }
  }

  /**
   * Reads the whole multipart body of `request` as `spec` says, each file to the key `reservation`
   * reserved for its field, within its limit; throws a DomainError otherwise. A declared length
   * above what the fields can hold is refused before reading; a client silent for the idle
   * timeout is a 408.
   */
  async receive(request: FastifyRequest, spec: UploadSpec, reservation: UploadReservation): Promise<ReceivedUpload> {
    const effective = reservedSpec(spec, reservation);
    assertDeclaredLengthWithin(request, multipartBodyLimit(effective));
    const idle = new ClientIdleTimeout(this.idleTimeoutMs, request);
    const received: ReceivedFile[] = [];
    const fields: Record<string, string> = {};
    const textSpecs = effective.fields ?? {};
    const parts = request.parts({ limits: busboyLimits(effective) });
    /** The last file read, completing in storage while the next part is read (one at a time). */
    let completing: Promise<void> | undefined;
    try {
      for (;;) {
        const part = await idle.wait(nextPart(parts));
        if (!part) break;
        if (part.type === 'file') {
          const key = reservation.parts.find((reserved) => reserved.field === part.fieldname)?.key;
          const { file, stored } = await this.receiveFile(part, effective.files, received, fields, key, idle);
          received.push(file);
          await completing;
          completing = stored;
        } else {
          fields[part.fieldname] = textValue(part, textSpecs, fields);
        }
      }
      await completing;
      assertRequiredPresent(effective, received, fields);
      return { files: received, fields };
    } catch (error) {
      await completing?.catch(() => undefined);
      await this.discard(received);
      throw error;
    } finally {
      // Finishes the part iterator when we stopped early. The rest of the body stays unread; the
      // connection is closed after the answer (see multipart.ts). Not awaited: after a stall the
      // iterator is still waiting for a part, and it only settles when the connection closes.
      void parts.return?.(undefined).catch(() => undefined);
    }
  }

  /** Runs `send`, again after an RPC timeout (at most COMMIT_RETRIES_AFTER_TIMEOUT times). */
  private async retryAfterTimeout<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const timedOut = error instanceof DomainError && error.code === ErrorCode.UpstreamTimeout;
        if (!timedOut || attempt >= COMMIT_RETRIES_AFTER_TIMEOUT) throw error;
        this.logger.warn({ attempt: attempt + 1 }, 'An upload commit timed out; sending it again with the same reservation');
      }
    }
  }

  /** Deletes received objects; a failure is logged, never thrown (the service's reservation sweeper finishes the job). */
  async discard(received: ReceivedFile[]): Promise<void> {
    await this.deleteQuietly(received.map((file) => file.key));
  }

  /**
   * Reads one file part into `key`. Resolves once its bytes have all been read and
   * checked, with `stored`: the upload's completion in storage, which the caller awaits (so the
   * next part can be read meanwhile). Any failure leaves nothing stored for this file.
   */
  private async receiveFile(
    part: MultipartFile,
    specs: Record<string, FileFieldSpec>,
    received: ReceivedFile[],
    fieldsSoFar: Record<string, string>,
    key: string | undefined,
    idle: ClientIdleTimeout,
  ): Promise<{ file: ReceivedFile; stored: Promise<void> }> {
    const field = part.fieldname;
    const spec = Object.hasOwn(specs, field) ? specs[field] : undefined;
    const nameProblem = part.filename ? textProblem(part.filename) : undefined;
    if (nameProblem) {
      part.file.destroy();
      throw DomainError.validation(`The file name of "${field}" ${nameProblem}`, { field, fields: { [field]: [`file name ${nameProblem}`] } });
    }
    if (!spec || !key) {
      part.file.destroy();
      throw DomainError.validation(`Unexpected file field "${field}"`, { field, expected: Object.keys(specs) });
    }
    if (received.some((file) => file.field === field)) {
      part.file.destroy();
      throw DomainError.validation(`Only one file is allowed in "${field}"`, { field });
    }
    const tighter = spec.maxBytesFor?.(fieldsSoFar);
    const tighterBytes = typeof tighter === 'number' ? tighter : tighter?.maxBytes;
    const maxBytes = Math.min(limitOf(spec), tighterBytes ?? Infinity);
    const why = typeof tighter === 'object' && tighter.maxBytes === maxBytes ? ` ${tighter.reason}` : '';
    const tooLarge = new DomainError(ErrorCode.PayloadTooLarge, `"${field}" is larger than ${maxBytes} bytes${why}`, {
      field,
      maxBytes,
    });
    // busboy stops at its own limit (the largest of the spec, plus one byte) and says so here.
    part.file.once('limit', () => part.file.destroy(tooLarge));

    const upload = this.storage.openUpload(key, {
      contentType: part.mimetype,
      partSizeBytes: UPLOAD_PART_SIZE_BYTES,
      queueSize: UPLOAD_QUEUE_SIZE,
    });
    let fed: { size: number; sha256: string; detectedContentType: string | undefined };
    try {
      fed = await this.feed(part, upload, spec, maxBytes, tooLarge, idle);
    } catch (error) {
      part.file.destroy();
      throw await this.failed(upload, field, error);
    }
    const stored = upload.finish().catch(async (error: unknown) => {
      throw await this.failed(upload, field, new StorageFailure(error));
    });
    // Awaited by the caller; this only keeps a failure that comes first from counting as unhandled.
    stored.catch(() => undefined);
    const file = { field, key, ...fed, fileName: part.filename, declaredContentType: part.mimetype };
    return { file, stored };
  }

  /** Removes what a failed file left in storage; answers the error to throw. */
  private async failed(upload: ObjectUpload, field: string, error: unknown): Promise<DomainError> {
    await upload.abort().catch((abortError: unknown) => this.logger.warn({ err: abortError, key: upload.key }, 'Could not abort an upload'));
    await this.deleteQuietly([upload.key]);
    if (error instanceof DomainError) return error;
    if (!(error instanceof StorageFailure)) {
      // The part itself broke off: the client went away or sent a malformed body.
      return new DomainError(ErrorCode.BadRequest, `The upload of "${field}" was interrupted or malformed`, { field });
    }
    this.logger.error({ err: error.cause, field }, 'Storing an upload failed');
    return new DomainError(ErrorCode.ServiceUnavailable, 'File storage is unavailable, try again', { field });
  }

  /**
   * Reads one file part into `upload`, counting and hashing its bytes. The first
   * SIGNATURE_HEAD_BYTES are held back until the signature has been checked; then each chunk goes
   * straight to the upload, which gathers it into the part it belongs to.
   */
  private async feed(
    part: MultipartFile,
    upload: ObjectUpload,
    spec: FileFieldSpec,
    maxBytes: number,
    tooLarge: DomainError,
    idle: ClientIdleTimeout,
  ): Promise<{ size: number; sha256: string; detectedContentType: string | undefined }> {
    const hash = createHash('sha256');
    let size = 0;
    let detectedContentType: string | undefined;
    let held: Buffer[] | undefined = [];
    let heldBytes = 0;
    const chunks = (part.file as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    for (;;) {
      const next = await idle.wait(chunks.next());
      if (next.done) break;
      const chunk = next.value;
      size += chunk.length;
      if (size > maxBytes) throw tooLarge;
      hash.update(chunk);
      if (!held) {
        await storing(upload.write(chunk));
        continue;
      }
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes >= SIGNATURE_HEAD_BYTES) {
        detectedContentType = await this.checkHead(headOf(held, SIGNATURE_HEAD_BYTES), part.fieldname, spec);
        for (const heldChunk of held) await storing(upload.write(heldChunk));
        held = undefined;
      }
    }
    if (part.file.truncated) throw tooLarge;
    if (held) {
      detectedContentType = await this.checkHead(headOf(held, heldBytes), part.fieldname, spec);
      for (const heldChunk of held) await storing(upload.write(heldChunk));
    }
    return { size, sha256: hash.digest('hex'), detectedContentType };
  }

  /** The type the first bytes show (text too); throws INVALID_FILE_TYPE when the spec's signature refuses them. */
  private async checkHead(head: Buffer, field: string, spec: FileFieldSpec): Promise<string | undefined> {
    if (!(await spec.signature(head))) {
      throw new DomainError(ErrorCode.InvalidFileType, `"${field}" must be ${spec.description}`, {
        field,
        detectedType: detectFileType(head) ?? 'unknown',
      });
    }
    return detectFileTypeOrText(head);
  }

  private async deleteQuietly(keys: string[]): Promise<void> {
    if (!keys.length) return;
    try {
      await this.storage.delete(keys);
    } catch (error) {
      this.logger.warn({ err: error, keys }, 'Could not delete uploaded objects; a sweeper will');
    }
  }
}

/** A failure of object storage (S3 down, a part refused), as opposed to one of the request body. */
class StorageFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('Object storage failed');
  }
}

/** Marks what `work` throws as a StorageFailure. */
async function storing<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw new StorageFailure(error);
  }
}

/** The field's limit; every field has one once `reservedSpec` has run. */
function limitOf(spec: FileFieldSpec): number {
  if (spec.maxBytes === undefined) throw new Error('A file field without a limit: only reserved fields are read');
  return spec.maxBytes;
}

/** `spec` with each file field limited as the reservation says; a field it did not reserve is refused. */
function reservedSpec(spec: UploadSpec, reservation: UploadReservation): UploadSpec {
  const files: Record<string, FileFieldSpec> = {};
  for (const [field, file] of Object.entries(spec.files)) {
    const reserved = reservation.parts.find((part) => part.field === field);
    if (reserved) files[field] = { ...file, maxBytes: reserved.maxBytes };
  }
  return { ...spec, files };
}

/** The largest multipart body `spec` can be: every file and text field full, with their part headers. */
function multipartBodyLimit(spec: UploadSpec): number {
  const files = Object.values(spec.files).reduce((sum, file) => sum + limitOf(file), 0);
  const texts = Object.values(spec.fields ?? {}).reduce((sum, text) => sum + text.maxLength * MAX_UTF8_BYTES_PER_CHAR, 0);
  const parts = Object.keys(spec.files).length + Object.keys(spec.fields ?? {}).length;
  return files + texts + (parts + 1) * MULTIPART_OVERHEAD_BYTES_PER_PART;
}

/** busboy's per-request limits; the spec's own per-field limits are checked on top. */
function busboyLimits(spec: UploadSpec): NonNullable<Parameters<FastifyRequest['parts']>[0]>['limits'] {
  const files = Object.values(spec.files);
  const texts = Object.values(spec.fields ?? {});
  return {
    // One byte over the largest limit, so the per-field count sees the overflow as it happens.
    fileSize: Math.max(0, ...files.map(limitOf)) + 1,
    files: files.length,
    fields: texts.length,
    fieldSize: Math.max(1, ...texts.map((text) => text.maxLength * MAX_UTF8_BYTES_PER_CHAR)),
    parts: files.length + texts.length,
  };
}

const multipartLimitErrors = new Set(['FST_PARTS_LIMIT', 'FST_FILES_LIMIT', 'FST_FIELDS_LIMIT']);

/** The next part, with multipart failures (limits, malformed bodies) as DomainErrors. */
async function nextPart(parts: AsyncIterableIterator<Multipart>): Promise<Multipart | undefined> {
  try {
    const next = await parts.next();
    return next.done ? undefined : next.value;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new DomainError(ErrorCode.PayloadTooLarge, 'A file is larger than allowed');
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new DomainError(ErrorCode.BadRequest, 'Expected a multipart/form-data body');
    if (typeof code === 'string' && multipartLimitErrors.has(code)) {
      throw new DomainError(ErrorCode.BadRequest, 'Too many parts: only the declared fields are accepted, each once');
    }
    throw new DomainError(ErrorCode.BadRequest, 'Malformed multipart body');
  }
}

/** The first `bytes` of the held chunks (a copy only when they span several chunks). */
function headOf(chunks: Buffer[], bytes: number): Buffer {
  const first = chunks[0] ?? Buffer.alloc(0);
  if (first.length >= bytes) return first.subarray(0, bytes);
  return Buffer.concat(chunks).subarray(0, bytes);
}

function textValue(part: MultipartValue, specs: Record<string, TextFieldSpec>, seen: Record<string, string>): string {
  const field = part.fieldname;
  const spec = Object.hasOwn(specs, field) ? specs[field] : undefined;
  if (!spec) throw DomainError.validation(`Unexpected field "${field}"`, { field, expected: Object.keys(specs) });
  if (Object.hasOwn(seen, field)) throw DomainError.validation(`"${field}" may be given only once`, { field });
  if (typeof part.value !== 'string') throw DomainError.validation(`"${field}" must be plain text`, { field });
  if (part.valueTruncated || part.value.length > spec.maxLength) {
    throw DomainError.validation(`"${field}" is longer than ${spec.maxLength} characters`, { field, maxLength: spec.maxLength });
  }
  const problem = textProblem(part.value);
  if (problem) throw DomainError.validation(`"${field}" ${problem}`, { field, fields: { [field]: [problem] } });
  return part.value;
}

function assertRequiredPresent(spec: UploadSpec, received: ReceivedFile[], fields: Record<string, string>): void {
  const missing = [
    ...Object.entries(spec.files)
      .filter(([field, file]) => file.required !== false && !received.some((file) => file.field === field))
      .map(([field]) => field),
    ...Object.entries(spec.fields ?? {})
      .filter(([field, text]) => text.required === true && !Object.hasOwn(fields, field))
      .map(([field]) => field),
  ];
  if (missing.length) throw DomainError.validation(`Missing required field(s): ${missing.join(', ')}`, { missing });
}
