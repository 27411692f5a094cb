import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
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

/**
 * The S3 client for our settings; checksums only when required (s3rver/fauxqs and MinIO agree).
 * No `Expect: 100-continue` on big bodies: with it the SDK waits a round trip per request and opens
 * a new connection for each (it bypasses the keep-alive agent), which costs every 5 MiB part of an
 * upload; our S3 is our own, and a body it rejects is simply read and dropped.
 */
export function createS3Client(env: CommonEnv): S3Client {
  return new S3Client({
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
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
  );
}

/** One adapter for object storage: every S3 call Quire makes goes through here. */
export class ObjectStorage {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    /** Signs presigned URLs for the public endpoint (S3_PUBLIC_ENDPOINT); default: `client`. */
    private readonly presigner: S3Client = client,
  ) {}

  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!isMissing(error)) throw error;
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async put(key: string, body: Buffer | string, contentType?: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  /** Starts writing `key` from chunks of unknown total length (see ObjectUpload). */
  openUpload(key: string, options: ObjectUploadOptions = {}): ObjectUpload {
    return new ObjectUpload(this.client, this.bucket, key, options);
  }

  async head(key: string): Promise<StoredObjectInfo | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: out.ContentLength ?? 0, contentType: out.ContentType, etag: out.ETag, lastModified: out.LastModified };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Streams an object (or a byte range of it); undefined when it does not exist. */
  async get(key: string, range?: string, signal?: AbortSignal): Promise<ObjectBody | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }), { abortSignal: signal });
      return {
        key,
        body: out.Body as Readable,
        size: out.ContentLength ?? 0,
        contentType: out.ContentType,
        etag: out.ETag,
        lastModified: out.LastModified,
        contentRange: out.ContentRange,
      };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** A whole object in memory; undefined when it does not exist. `signal` cancels the read. */
  async getBuffer(key: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    const object = await this.get(key, undefined, signal);
    if (!object) return undefined;
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of object.body) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      signal?.throwIfAborted();
    }
    return Buffer.concat(chunks, length);
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    await this.client.send(
      new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: `${this.bucket}/${encodeURI(fromKey)}` }),
    );
  }

  /** Deletes keys in batches of 1,000; missing keys are not an error. */
  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      if (!batch.length) continue;
      await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      );
    }
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
  }

  /** Every object under a prefix, page by page. */
  async *list(prefix: string): AsyncGenerator<StoredObjectInfo> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
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
}
