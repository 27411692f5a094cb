import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createTestDatabase, RunningApp, signInAs, startApp, TestDatabase, testEnv, TestIdentity } from '@quire/testing';

const ROOT = path.resolve(__dirname, '../..');

/** An S3-compatible server of this file's own, so that stopping it disturbs no other test file. */
async function startOwnS3(): Promise<{ endpoint: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/s3-server.mjs'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('S3 server did not start')), 15_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { endpoint: string }).endpoint);
    });
    child.once('exit', (code) => reject(new Error(`S3 server exited with ${code}`)));
  });
  return { endpoint, process: child };
}

/**
 * Issue 12: a storage failure is the family's 503, never a 500 — with S3 stopped before a
 * request and while an upload is streaming (ObjectStorage maps its own failures).
 */
describe('S3 stopped: the family answers 503, never 500 (gateway + file + identity)', () => {
  let s3: { endpoint: string; process: ChildProcess };
  let database: TestDatabase;
  const apps: RunningApp[] = [];
  let gateway: RunningApp;
  let owner: TestIdentity;
  let viewPath: string;
  let fileId: string;
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

  beforeAll(async () => {
    s3 = await startOwnS3();
    database = await createTestDatabase('storage_down');
    const env = testEnv({ DATABASE_URL: database.url, S3_ENDPOINT: s3.endpoint, RATE_LIMIT_PER_MINUTE: '100000' });
    const client = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await client.send(new CreateBucketCommand({ Bucket: env.S3_BUCKET }));
    client.destroy();
    apps.push(...(await Promise.all([startApp('file', env), startApp('identity', env)])));
    gateway = await startApp('gateway', env);
    apps.push(gateway);
    owner = await signInAs({ gatewayUrl: gateway.url, env }, { account: 'A' });

    const form = new FormData();
    form.append('file', new Blob([pdf]), 'before.pdf');
    form.append('meta.category', 'user_document');
    const created = await fetch(`${gateway.url}/api_v3/files`, { method: 'POST', headers: { 'x-apitoken': owner.apiToken }, body: form });
    expect(created.status).toBe(200);
    const file = ((await created.json()) as { data: { id: string; fullpath: string } }).data;
    fileId = file.id;
    viewPath = file.fullpath.slice(gateway.url.length);
    expect((await fetch(`${gateway.url}${viewPath}`)).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await database?.drop();
    if (s3?.process.exitCode === null) s3.process.kill('SIGKILL');
  });

  /**
   * A multipart upload whose body stops after its first 6 MiB until `whenRead` has run: the
   * request is then mid-way (the gateway holds the open upload), and `whenRead` stops S3.
   */
  function uploadStoppingMidway(whenRead: () => Promise<void>): Promise<Response> {
    const boundary = `----quire${Date.now()}`;
    const chunks = [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="meta.category"\r\n\r\nuser_document\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(6 * 1024 * 1024, 0x20)]),
    ];
    const tail = Buffer.concat([Buffer.alloc(2 * 1024 * 1024, 0x20), Buffer.from(`\n%%EOF\n\r\n--${boundary}--\r\n`)]);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (sent < chunks.length) {
            controller.enqueue(chunks[sent++]!);
            return;
          }
          if (sent === chunks.length) {
            sent++;
            await whenRead();
            controller.enqueue(tail);
            return;
          }
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    return fetch(`${gateway.url}/api_v3/files`, {
      method: 'POST',
      headers: { 'x-apitoken': owner.apiToken, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit);
  }

  it('an upload streaming when S3 stops, then a view and a new upload: 503 in the {error} shape', async () => {
    const pending = uploadStoppingMidway(async () => {
      const stopped = new Promise((resolve) => s3.process.once('exit', resolve));
      s3.process.kill('SIGKILL');
      await stopped;
    });
    const midway = await pending;
    expect(midway.status).toBe(503);
    expect(await midway.json()).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });

    const view = await fetch(`${gateway.url}${viewPath}`);
    expect(view.status).toBe(503);
    expect(await view.json()).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });

    const form = new FormData();
    form.append('file', new Blob([pdf]), 'after.pdf');
    form.append('meta.category', 'user_document');
    const upload = await fetch(`${gateway.url}/api_v3/files`, { method: 'POST', headers: { 'x-apitoken': owner.apiToken }, body: form });
    expect(upload.status).toBe(503);
    expect(await upload.json()).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });

    // What needs no S3 still works: the file's row.
    expect((await fetch(`${gateway.url}/api_v3/files/${fileId}`, { headers: { 'x-apitoken': owner.apiToken } })).status).toBe(200);
  }, 60_000);
});
