import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

/** The S3-compatible server the jest global setup started (scripts/s3-server.mjs). */
export function testS3Endpoint(): string {
  const endpoint = process.env.TEST_S3_ENDPOINT;
  if (!endpoint) throw new Error('TEST_S3_ENDPOINT is not set: run tests through jest.config.ts (its globalSetup starts S3)');
  return endpoint;
}

export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789';

/** A short unique id for names of one test file's resources (bucket, subject prefix, database). */
export function uniqueId(): string {
  return randomBytes(4).toString('hex');
}

/** Environment for a Quire process under test: its own bucket and NATS subject prefix. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const id = uniqueId();
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    NATS_URL: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222',
    NATS_SUBJECT_PREFIX: `t${id}.`,
    S3_ENDPOINT: testS3Endpoint(),
    S3_BUCKET: `quire-test-${id}`,
    S3_ACCESS_KEY_ID: 'test',
    S3_SECRET_ACCESS_KEY: 'test',
    S3_FORCE_PATH_STYLE: 'true',
    JWT_SECRET: TEST_JWT_SECRET,
    ...overrides,
  };
}

/** A client of the shared test S3 server, or of `endpoint` (a private one). */
export function testS3Client(endpoint = testS3Endpoint()): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Empties and removes a test bucket; a missing bucket is fine. */
export async function removeBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    const keys = await listKeys(client, bucket);
    if (keys.length) {
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
    }
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch {
    // already gone
  }
}
