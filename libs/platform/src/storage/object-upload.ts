import {
  AbortMultipartUploadCommand,
  CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

export interface ObjectUploadOptions {
  contentType?: string;
  /** Bytes per part; S3 needs at least 5 MiB for every part but the last. */
  partSizeBytes?: number;
  /** Parts in flight at once: memory per upload is about partSizeBytes × (queueSize + 1). */
  queueSize?: number;
}

export const MIN_PART_SIZE_BYTES = 5 * 1024 * 1024;
const DEFAULT_QUEUE_SIZE = 4;

/**
 * One object written from chunks of unknown total length: a single PUT when it all fits in one
 * part, else a multipart upload with up to `queueSize` parts in flight.
 *
 * Written bytes are copied into part buffers that are reused (PartBuffers): the caller's chunks
 * die young, so a long upload does not pile up garbage between collections, and a part is one
 * Buffer the SDK can send in one write and retry. Payloads are not hashed again for the request
 * signature (`UNSIGNED-PAYLOAD`, which S3 and MinIO accept for PutObject and UploadPart): callers
 * that need a digest compute it once as the bytes go by (the gateway's upload pipeline hashes every
 * file with sha256). The request itself (key, upload id, part number, length) is still signed.
 *
 * Use it from one writer: `await write()` for each chunk (it waits while `queueSize` parts are in
 * flight: that is the backpressure), then `finish()`, or `abort()` on any failure.
 */
export class ObjectUpload {
  private readonly partSize: number;
  private readonly queueSize: number;
  /** The chunks written so far, while they fit in one part (then a single PUT may do). */
  private head: Buffer[] | undefined = [];
  private part: Buffer | undefined;
  private filled = 0;
  private uploadId: string | undefined;
  private partNumber = 0;
  private readonly completed: CompletedPart[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;
  private ended = false;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    readonly key: string,
    private readonly options: ObjectUploadOptions = {},
  ) {
    this.partSize = Math.max(MIN_PART_SIZE_BYTES, options.partSizeBytes ?? MIN_PART_SIZE_BYTES);
    this.queueSize = Math.max(1, options.queueSize ?? DEFAULT_QUEUE_SIZE);
  }

  /** Takes `chunk` (kept, or copied into a part: do not reuse it); resolves when the next may come. */
  async write(chunk: Buffer): Promise<void> {
    this.assertWritable();
    if (this.head) {
      if (this.filled + chunk.length < this.partSize) {
        this.head.push(chunk);
        this.filled += chunk.length;
        return;
      }
      // More than one part after all: from now on bytes are copied into part buffers.
      this.part = PartBuffers.take(this.partSize);
      let at = 0;
      for (const held of this.head) at += held.copy(this.part, at);
      this.head = undefined;
    }
    let offset = 0;
    while (offset < chunk.length) {
      this.part ??= PartBuffers.take(this.partSize);
      const copied = chunk.copy(this.part, this.filled, offset);
      this.filled += copied;
      offset += copied;
      if (this.filled === this.partSize) await this.sendPart();
    }
  }

  /** Sends what is left and completes the object; on failure nothing is left behind. */
  async finish(): Promise<void> {
    this.assertWritable();
    this.ended = true;
    try {
      if (this.uploadId === undefined) {
        await this.putWhole();
        return;
      }
      if (this.filled > 0) await this.sendPart();
      await Promise.all(this.inFlight);
      if (this.failure) throw this.failure.error;
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: this.key,
          UploadId: this.uploadId,
          MultipartUpload: { Parts: [...this.completed].sort((a, b) => a.PartNumber! - b.PartNumber!) },
        }),
      );
    } catch (error) {
      await this.abort().catch(() => undefined);
      throw error;
    } finally {
      this.releasePart();
    }
  }

  /** Stops the upload: waits for parts in flight, then aborts the multipart upload, if any. */
  async abort(): Promise<void> {
    this.ended = true;
    this.releasePart();
    await Promise.allSettled(this.inFlight);
    const uploadId = this.uploadId;
    this.uploadId = undefined;
    if (uploadId !== undefined) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: uploadId }));
    }
  }

  private assertWritable(): void {
    if (this.failure) throw this.failure.error;
    if (this.ended) throw new Error(`The upload of ${this.key} has already ended`);
  }

  private releasePart(): void {
    if (this.part) PartBuffers.give(this.part);
    this.part = undefined;
    this.head = undefined;
    this.filled = 0;
  }

  private async putWhole(): Promise<void> {
    const head = this.head ?? [];
    const body = head.length === 1 ? head[0]! : Buffer.concat(head, this.filled);
    this.releasePart();
    await this.client.send(
      unsignedPayload(new PutObjectCommand({ Bucket: this.bucket, Key: this.key, ContentType: this.options.contentType, Body: body })),
    );
  }

  /** Sends the current part; waits while `queueSize` parts are in flight. */
  private async sendPart(): Promise<void> {
    const buffer = this.part!;
    const body = buffer.subarray(0, this.filled);
    this.part = undefined;
    this.filled = 0;
    if (this.uploadId === undefined) {
      try {
        const created = await this.client.send(
          new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, ContentType: this.options.contentType }),
        );
        if (!created.UploadId) throw new Error(`S3 gave no upload id for ${this.key}`);
        this.uploadId = created.UploadId;
      } catch (error) {
        PartBuffers.give(buffer);
        this.failure ??= { error };
        throw error;
      }
    }
    const partNumber = ++this.partNumber;
    const command = new UploadPartCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, PartNumber: partNumber, Body: body });
    const sending = this.client.send(unsignedPayload(command)).then(
      (out) => {
        this.completed.push({ PartNumber: partNumber, ETag: out.ETag });
        // Only a part S3 has answered for is certainly no longer being written to a socket.
        PartBuffers.give(buffer);
      },
      (error: unknown) => void (this.failure ??= { error }),
    );
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
    while (this.inFlight.size >= this.queueSize && !this.failure) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure.error;
  }
}

/**
 * Part buffers kept between parts and uploads, so a steady stream of uploads reuses the same few
 * megabytes instead of allocating (and later collecting) a new buffer per part.
 */
const PartBuffers = {
  /** Spares kept per part size: enough for one upload's parts in flight plus the one filling. */
  maxSpares: DEFAULT_QUEUE_SIZE + 1,
  spares: new Map<number, Buffer[]>(),

  take(size: number): Buffer {
    return this.spares.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
  },

  give(buffer: Buffer): void {
    const spares = this.spares.get(buffer.length) ?? [];
    if (spares.length < this.maxSpares) spares.push(buffer);
    this.spares.set(buffer.length, spares);
  },
};

type BuildStep = (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>;

/** Marks a command's payload UNSIGNED-PAYLOAD, so the signer does not hash it (see ObjectUpload). */
function unsignedPayload<C extends PutObjectCommand | UploadPartCommand>(command: C): C {
  const stack = command.middlewareStack as unknown as { add(step: BuildStep, options: { step: 'build'; name: string }): void };
  stack.add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    },
    { step: 'build', name: 'quireUnsignedPayload' },
  );
  return command;
}
