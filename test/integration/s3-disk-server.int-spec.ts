import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, ListObjectsV2Command, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { CommonEnv, createS3Client, loadEnv, MIN_PART_SIZE_BYTES, ObjectStorage } from '@quire/platform';
import { REPO_ROOT } from '@quire/testing';

/** `npm start`'s on-disk S3 (scripts/s3-disk-server.js) with the platform's own S3 client. */

const ACCESS_KEY = 'quire-disk-test';
const SECRET = randomBytes(24).toString('base64url');
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

interface DiskServer {
  endpoint: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts the server as npm start does (scripts/lib/start/s3.js) and waits for its endpoint line. */
async function startDiskServer(dir: string): Promise<DiskServer> {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', path.join(REPO_ROOT, 'scripts/s3-disk-server.js'), dir, '0'], {
    env: { PATH: process.env.PATH ?? '', S3_ACCESS_KEY_ID: ACCESS_KEY, S3_SECRET_ACCESS_KEY: SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { endpoint: string }).endpoint));
    child.once('exit', (code) => reject(new Error(`s3-disk-server exited with ${code}`)));
  });
  return {
    endpoint,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function envFor(endpoint: string, overrides: Record<string, string> = {}): CommonEnv {
  return loadEnv(CommonEnv, {
    HTTP_PORT: '0',
    S3_ENDPOINT: endpoint,
    S3_BUCKET: 'quire',
    S3_ACCESS_KEY_ID: ACCESS_KEY,
    S3_SECRET_ACCESS_KEY: SECRET,
    S3_BUCKET_PATH_WITHOUT_SLASH: 'true',
    ...overrides,
  });
}

/** Leftover multipart uploads on disk (s3rver keeps their parts under the bucket). */
function pendingUploads(dir: string): string[] {
  const uploads = path.join(dir, 'quire', '._S3rver_uploads');
  return fs.existsSync(uploads) ? fs.readdirSync(uploads) : [];
}

describe('the on-disk S3 of npm start (s3rver, SigV4 checked)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-s3disk-'));
  let server: DiskServer;
  let client: S3Client;
  let storage: ObjectStorage;

  beforeAll(async () => {
    server = await startDiskServer(dir);
    client = createS3Client(envFor(server.endpoint));
    storage = new ObjectStorage(client, 'quire');
    await storage.ensureBucket();
  });

  afterAll(async () => {
    client?.destroy();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps objects on disk across a restart: small PUT and a multipart upload, read back whole and by range', async () => {
    const small = randomBytes(200 * 1024);
    await storage.put('a/small.bin', small, 'application/octet-stream');
    const big = randomBytes(2 * MIN_PART_SIZE_BYTES + 4321);
    const upload = storage.openUpload('a/big.bin', { contentType: 'application/pdf' });
    for (let offset = 0; offset < big.length; offset += 1024 * 1024) await upload.write(big.subarray(offset, offset + 1024 * 1024));
    await upload.finish();

    client.destroy();
    await server.stop();
    server = await startDiskServer(dir);
    client = createS3Client(envFor(server.endpoint));
    storage = new ObjectStorage(client, 'quire');

    expect(sha256((await storage.getBuffer('a/small.bin'))!)).toBe(sha256(small));
    expect(await storage.head('a/big.bin')).toMatchObject({ size: big.length, contentType: 'application/pdf' });
    expect(sha256((await storage.getBuffer('a/big.bin'))!)).toBe(sha256(big));
    expect(await storage.getRange('a/big.bin', MIN_PART_SIZE_BYTES - 2, 4)).toEqual(big.subarray(MIN_PART_SIZE_BYTES - 2, MIN_PART_SIZE_BYTES + 2));
    expect(pendingUploads(dir)).toEqual([]);
  });

  it('creates a missing bucket once when services start together (ensureBucket races)', async () => {
    const bucket = `race-${randomBytes(3).toString('hex')}`;
    await Promise.all(Array.from({ length: 5 }, () => new ObjectStorage(client, bucket).ensureBucket()));
    await new ObjectStorage(client, bucket).ping();
  });

  it('copies, lists page by page (continuation tokens) and deletes in a batch', async () => {
    for (const name of ['p/1', 'p/2', 'p/3']) await storage.put(name, name);
    await storage.copy('p/3', 'p/4');
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: 'quire', Prefix: 'p/', MaxKeys: 3, ContinuationToken: token }));
      pages.push((page.Contents ?? []).map((item) => item.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(pages).toEqual([['p/1', 'p/2', 'p/3'], ['p/4']]);
    await storage.delete(['p/1', 'p/2', 'p/3', 'p/4', 'p/missing']);
    const left: string[] = [];
    for await (const item of storage.list('p/')) left.push(item.key);
    expect(left).toEqual([]);
  });

  it('aborts a multipart upload: its parts are removed from disk and no object appears', async () => {
    const upload = storage.openUpload('a/aborted.bin');
    await upload.write(randomBytes(MIN_PART_SIZE_BYTES + 10));
    expect(pendingUploads(dir)).toHaveLength(1);
    await upload.abort();
    expect(pendingUploads(dir)).toEqual([]);
    expect(await storage.head('a/aborted.bin')).toBeUndefined();
  });

  it('serves a presigned GET, and refuses it once tampered with', async () => {
    await storage.put('a/linked.txt', 'hello');
    const url = await storage.presignGet('a/linked.txt', 60, 'x.txt');
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('hello');
    expect((await fetch(url.replace('a/linked.txt', 'a/small.bin'))).status).toBe(403);
  });

  it('refuses unsigned, wrongly signed and V2-signed requests', async () => {
    for (const target of ['/', '/quire', '/quire/', '/quire/a/small.bin', '/quire?list-type=2']) {
      const answer = await fetch(`${server.endpoint}${target}`);
      expect([target, answer.status]).toEqual([target, 403]);
      expect(await answer.text()).toContain('<Code>AccessDenied</Code>');
    }
    const unsignedPut = await fetch(`${server.endpoint}/quire/a/planted.txt`, { method: 'PUT', body: 'x' });
    expect(unsignedPut.status).toBe(403);
    const v2 = await fetch(`${server.endpoint}/quire/a/small.bin`, { headers: { authorization: 'AWS S3RVER:c2lnbmF0dXJl', date: new Date().toUTCString() } });
    expect(v2.status).toBe(403);

    // s3rver's well-known key pair is gone, and a wrong secret does not sign.
    for (const [accessKey, secret] of [
      ['S3RVER', 'S3RVER'],
      [ACCESS_KEY, 'not-the-secret'],
    ]) {
      const other = new ObjectStorage(createS3Client(envFor(server.endpoint, { S3_ACCESS_KEY_ID: accessKey!, S3_SECRET_ACCESS_KEY: secret! })), 'quire');
      await expect(other.getBuffer('a/small.bin')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      await expect(other.put('a/planted.txt', 'x')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      other.client.destroy();
    }
    expect(await storage.head('a/planted.txt')).toBeUndefined();
  });

  it('needs S3_BUCKET_PATH_WITHOUT_SLASH for bucket-level calls (the SDK signs /bucket/), not for object calls', async () => {
    const plain = createS3Client(envFor(server.endpoint, { S3_BUCKET_PATH_WITHOUT_SLASH: 'false' }));
    try {
      await expect(new ObjectStorage(plain, 'quire').ping()).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      expect(await new ObjectStorage(plain, 'quire').head('a/linked.txt')).toMatchObject({ size: 5 });
    } finally {
      plain.destroy();
    }
  });

  it('answers NoSuchUpload to an abort of an unknown upload or of another key', async () => {
    const created = await client.send(new CreateMultipartUploadCommand({ Bucket: 'quire', Key: 'a/raw.bin' }));
    await client.send(new UploadPartCommand({ Bucket: 'quire', Key: 'a/raw.bin', UploadId: created.UploadId, PartNumber: 1, Body: Buffer.from('x') }));
    const abort = (Key: string, UploadId: string) => client.send(new AbortMultipartUploadCommand({ Bucket: 'quire', Key, UploadId }));
    await expect(abort('a/raw.bin', '0'.repeat(32))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(abort('a/other.bin', created.UploadId!)).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(abort('a/raw.bin', '../../etc')).rejects.toMatchObject({ name: 'NoSuchUpload' });
    expect(pendingUploads(dir)).toHaveLength(1);
    await abort('a/raw.bin', created.UploadId!);
    expect(pendingUploads(dir)).toEqual([]);
  });
});
