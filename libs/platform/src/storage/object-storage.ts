import { Readable } from 'node:stream';
import { Logger } from '@nestjs/common';
import {
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DomainError, ErrorCode } from '@quire/errors';
import { CommonEnv } from '../config/env';
import { ObjectUpload, ObjectUploadOptions } from './object-upload';

export interface StoredObjectInfo {
  key: string;
  size: number;
  contentType?: string;
  etag?: string;
  lastModified?: Date;
}

export interface ObjectBody extends StoredObjectInfo {
  body: Readable;
  contentRange?: string;
}

/** `/bucket/`: a path-style request for the bucket itself, not an object in it. */
const BUCKET_LEVEL_PATH = /^\/[^/]+\/$/;

/**
 * The S3 client for our settings; checksums only when required (s3rver/fauxqs and MinIO agree).
 * No `Expect: 100-continue` on big bodies: with it the SDK waits a round trip per request and opens
 * a new connection for each (it bypasses the keep-alive agent), which costs every 5 MiB part of an
 * upload; our S3 is our own, and a body it rejects is simply read and dropped.
 */
export function createS3Client(env: CommonEnv): S3Client {
  const client = new S3Client({
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT || undefined,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    credentials:
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    expectContinueHeader: false,
  });
  if (env.S3_BUCKET_PATH_WITHOUT_SLASH) {
    // At the build step: after the endpoint made the path, before the signature covers it.
    client.middlewareStack.add(
      (next) => (args) => {
        const request = args.request as { path?: unknown };
        if (typeof request.path === 'string' && BUCKET_LEVEL_PATH.test(request.path)) request.path = request.path.slice(0, -1);
        return next(args);
      },
      { step: 'build', name: 'bucketPathWithoutSlash' },
    );
  }
  return client;
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
  );
}

/**
 * One adapter for object storage: every S3 call Quire makes goes through here, and here its
 * failures get their meaning. A missing object is a result (`undefined`), never an exception; any
 * other failure (S3 down, refused, network) is logged with the key and thrown as
 * SERVICE_UNAVAILABLE, which every family answers as its 503 (retry is safe). Clean-up after a
 * commit uses `deleteQuietly`, which never throws into the answer.
 */
export class ObjectStorage {
  private readonly logger = new Logger(ObjectStorage.name);

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    /** Signs presigned URLs for the public endpoint (S3_PUBLIC_ENDPOINT); default: `client`. */
    private readonly presigner: S3Client = client,
  ) {}

  /**
   * Creates the bucket when it is missing. Services starting together race here: the loser's
   * CreateBucket answers BucketAlreadyOwnedByYou (S3, MinIO) or BucketAlreadyExists (s3rver), and
   * a HeadBucket then shows whether the bucket is one these credentials can use.
   */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!isMissing(error)) throw error;
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (createError) {
        if (!(createError instanceof BucketAlreadyOwnedByYou || createError instanceof BucketAlreadyExists)) throw createError;
        await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      }
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async put(key: string, body: Buffer | string, contentType?: string): Promise<void> {
    await this.call('Writing an object', { key }, () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType })),
    );
  }

  /** Starts writing `key` from chunks of unknown total length (see ObjectUpload). */
  openUpload(key: string, options: ObjectUploadOptions = {}): ObjectUpload {
    return new ObjectUpload(this.client, this.bucket, key, options);
  }

  async head(key: string): Promise<StoredObjectInfo | undefined> {
    const out = await this.call('Reading object metadata', { key }, () =>
      this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
    );
    if (!out) return undefined;
    return { key, size: out.ContentLength ?? 0, contentType: out.ContentType, etag: out.ETag, lastModified: out.LastModified };
  }

  /** Streams an object (or a byte range of it); undefined when it does not exist. */
  async get(key: string, range?: string, signal?: AbortSignal): Promise<ObjectBody | undefined> {
    const out = await this.call('Reading an object', { key }, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }), { abortSignal: signal }),
    );
    if (!out) return undefined;
    return {
      key,
      body: out.Body as Readable,
      size: out.ContentLength ?? 0,
      contentType: out.ContentType,
      etag: out.ETag,
      lastModified: out.LastModified,
      contentRange: out.ContentRange,
    };
  }

  /** A whole object in memory; undefined when it does not exist. `signal` cancels the read. */
  async getBuffer(key: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    const object = await this.get(key, undefined, signal);
    return object ? this.readAll(object, signal) : undefined;
  }

  /** The whole body of an object `get` answered, as one buffer (S3 failing midway → the 503). */
  async readAll(object: ObjectBody, signal?: AbortSignal): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let length = 0;
    await this.call('Reading an object', { key: object.key }, async () => {
      for await (const chunk of object.body) {
        chunks.push(chunk as Buffer);
        length += (chunk as Buffer).length;
        signal?.throwIfAborted();
      }
    });
    return Buffer.concat(chunks, length);
  }

  /** `length` bytes at `offset` (a ranged GET); undefined when the object does not exist. */
  async getRange(key: string, offset: number, length: number): Promise<Buffer | undefined> {
    if (length <= 0) return Buffer.alloc(0);
    const object = await this.get(key, `bytes=${offset}-${offset + length - 1}`);
    if (!object) return undefined;
    const chunks: Buffer[] = [];
    await this.call('Reading an object', { key }, async () => {
      for await (const chunk of object.body) chunks.push(chunk as Buffer);
    });
    return Buffer.concat(chunks);
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    await this.call('Copying an object', { fromKey, toKey }, () =>
      this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: `${this.bucket}/${encodeURI(fromKey)}` })),
    );
  }

  /** Deletes keys in batches of 1,000; missing keys are not an error. */
  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      if (!batch.length) continue;
      await this.call('Deleting objects', { keys: batch.length }, () =>
        this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })),
      );
    }
  }

  /**
   * Deletes keys and never throws: for clean-up after a commit or a rejection, where a leftover
   * object must not turn the answer into an error. A failure is logged with the keys (a sweeper
   * or a later delete finishes the job).
   */
  async deleteQuietly(keys: string[]): Promise<void> {
    if (!keys.length) return;
    try {
      await this.delete(keys);
    } catch (error) {
      this.logger.warn({ err: error instanceof DomainError ? undefined : error, keys }, 'Could not delete objects; left for clean-up');
    }
  }

  /** Every object under a prefix, page by page. */
  async *list(prefix: string): AsyncGenerator<StoredObjectInfo> {
    let token: string | undefined;
    do {
      const page = await this.call('Listing objects', { prefix }, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })),
      );
      if (!page) return;
      for (const item of page.Contents ?? []) {
        if (item.Key) yield { key: item.Key, size: item.Size ?? 0, etag: item.ETag, lastModified: item.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  presignGet(key: string, expiresInSeconds: number, fileName?: string): Promise<string> {
    return getSignedUrl(
      this.presigner,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: fileName ? `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"` : undefined,
      }),
      { expiresIn: expiresInSeconds },
    );
  }

  /**
   * Runs one S3 call: a missing object or bucket answers undefined; any other failure is logged
   * here and thrown as SERVICE_UNAVAILABLE (a domain error passes through untouched).
   */
  private async call<T>(what: string, context: object, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (isMissing(error)) return undefined;
      if ((error as { name?: string }).name === 'AbortError') throw error;
      this.logger.error({ err: error, ...context }, `${what} failed`);
      throw new DomainError(ErrorCode.ServiceUnavailable, 'File storage is unavailable, try again');
    }
  }
}
