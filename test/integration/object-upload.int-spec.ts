import { createHash, randomBytes } from 'node:crypto';
import { UploadPartCommand } from '@aws-sdk/client-s3';
import { CommonEnv, createS3Client, loadEnv, MIN_PART_SIZE_BYTES, ObjectStorage } from '@quire/platform';
import { removeBucket, testEnv, testS3Client } from '@quire/testing';

const MiB = 1024 * 1024;

interface SentRequest {
  method: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  bodyBytes: number;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Writes `bytes` in chunks of the given sizes, cycling through them. */
async function writeInChunks(write: (chunk: Buffer) => Promise<void>, bytes: Buffer, sizes: number[]): Promise<void> {
  for (let offset = 0, i = 0; offset < bytes.length; i += 1) {
    const size = sizes[i % sizes.length]!;
    await write(bytes.subarray(offset, offset + size));
    offset += size;
  }
}

describe('ObjectUpload (real S3)', () => {
  const admin = testS3Client();
  const env = loadEnv(CommonEnv, testEnv({ HTTP_PORT: '0' }));
  const client = createS3Client(env);
  const storage = new ObjectStorage(client, env.S3_BUCKET);
  /** Every request as it leaves the client, signed. */
  const sent: SentRequest[] = [];

  beforeAll(async () => {
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { method: string; query: Record<string, string>; headers: Record<string, string>; body?: { length?: number } };
        sent.push({ method: request.method, query: { ...request.query }, headers: { ...request.headers }, bodyBytes: request.body?.length ?? 0 });
        return next(args);
      },
      { step: 'deserialize', name: 'recordRequests' },
    );
    await storage.ensureBucket();
  });

  beforeEach(() => {
    sent.length = 0;
  });

  afterAll(async () => {
    client.destroy();
    await removeBucket(admin, env.S3_BUCKET);
  });

  it('puts an object that fits in one part with a single signed PUT, its payload not hashed again', async () => {
    const bytes = randomBytes(300 * 1024);
    const upload = storage.openUpload('small/one', { contentType: 'application/pdf' });
    await writeInChunks((chunk) => upload.write(chunk), bytes, [65_536, 1000, 7]);
    await upload.finish();

    const stored = await storage.get('small/one');
    expect(stored).toMatchObject({ size: bytes.length, contentType: 'application/pdf' });
    expect(sha256((await storage.getBuffer('small/one'))!)).toBe(sha256(bytes));
    expect(sent.filter((request) => request.method === 'PUT')).toEqual([
      expect.objectContaining({
        bodyBytes: bytes.length,
        headers: expect.objectContaining({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', authorization: expect.stringContaining('x-amz-content-sha256') }),
      }),
    ]);
  });

  it('writes an empty object', async () => {
    const upload = storage.openUpload('small/empty');
    await upload.finish();
    expect(await storage.head('small/empty')).toMatchObject({ size: 0 });
  });

  it('sends a larger object as whole parts of the part size, in order, without waiting for 100-continue', async () => {
    const bytes = randomBytes(2 * MIN_PART_SIZE_BYTES + 123_457);
    const upload = storage.openUpload('big/one', { queueSize: 2 });
    await writeInChunks((chunk) => upload.write(chunk), bytes, [65_536, 3 * MiB, 17]);
    await upload.finish();

    expect(sha256((await storage.getBuffer('big/one'))!)).toBe(sha256(bytes));
    expect((await storage.head('big/one'))?.etag).toMatch(/-3"$/);
    const parts = sent.filter((request) => request.query['partNumber'] !== undefined);
    expect(parts.map((part) => [Number(part.query['partNumber']), part.bodyBytes]).sort((a, b) => a[0]! - b[0]!)).toEqual([
      [1, MIN_PART_SIZE_BYTES],
      [2, MIN_PART_SIZE_BYTES],
      [3, 123_457],
    ]);
    for (const part of parts) {
      expect(part.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
      expect(part.headers['expect'] ?? part.headers['Expect']).toBeUndefined();
    }
  });

  it('abort() ends the multipart upload: nothing is stored and its parts are gone', async () => {
    const upload = storage.openUpload('big/aborted', { queueSize: 1 });
    await writeInChunks((chunk) => upload.write(chunk), randomBytes(MIN_PART_SIZE_BYTES + 10), [MiB]);
    const uploadId = sent.find((request) => request.query['uploadId'])?.query['uploadId'];
    expect(uploadId).toBeDefined();
    await upload.abort();

    expect(await storage.head('big/aborted')).toBeUndefined();
    await expect(
      admin.send(new UploadPartCommand({ Bucket: env.S3_BUCKET, Key: 'big/aborted', UploadId: uploadId, PartNumber: 9, Body: Buffer.from('x') })),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(upload.write(Buffer.from('more'))).rejects.toThrow(/already ended/);
  });

  it('rejects when storage refuses the upload', async () => {
    const broken = new ObjectStorage(client, `${env.S3_BUCKET}-missing`);
    const upload = broken.openUpload('big/refused', { queueSize: 1 });
    const writing = writeInChunks((chunk) => upload.write(chunk), randomBytes(2 * MIN_PART_SIZE_BYTES), [MiB]);
    await expect(writing).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await upload.abort();
    await expect(upload.finish()).rejects.toThrow();
  });

  it('rejects with the error of a failed part and stores nothing', async () => {
    const failing = createS3Client(env);
    failing.middlewareStack.add(
      (next) => async (args) => {
        const { query } = args.request as { query: Record<string, string> };
        if (query['partNumber'] === '2') throw Object.assign(new Error('part 2 refused'), { name: 'PartRefused' });
        return next(args);
      },
      { step: 'deserialize', name: 'refusePartTwo' },
    );
    const upload = new ObjectStorage(failing, env.S3_BUCKET).openUpload('big/part-refused', { queueSize: 4 });
    try {
      const bytes = randomBytes(3 * MIN_PART_SIZE_BYTES + 1);
      const writing = (async () => {
        await writeInChunks((chunk) => upload.write(chunk), bytes, [MiB]);
        await upload.finish();
      })();
      await expect(writing).rejects.toMatchObject({ name: 'PartRefused' });
      await upload.abort();
      expect(await storage.head('big/part-refused')).toBeUndefined();
    } finally {
      failing.destroy();
    }
  });
});
