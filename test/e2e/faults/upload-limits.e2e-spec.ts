import { Client } from 'pg';
import { E2eStack, listKeys, rawHttpRequest, RunningApp, signInAs, TestIdentity, testS3Client, waitFor } from '@quire/testing';
import { PDF_HEAD } from './fault-uploads';

const MiB = 1024 * 1024;
const AVATAR_MAX_BYTES = 150_000;
const UPLOAD_IDLE_SECONDS = 2;
const HTTP_IDLE_SECONDS = 3;

/**
 * Issue 16, uploads: a stalled body is cut off and cleaned up, a file over its category's limit is
 * refused at that limit when the category comes first (and at commit when it comes after), a declared length over the route's limit is refused before
 * reading, and a stalled JSON body does not hold its connection — through the real gateway.
 */
describe('upload limits and timeouts at the gateway (gateway + file + identity)', () => {
  const stack = new E2eStack();
  const s3 = testS3Client();
  let gateway: RunningApp;
  let owner: TestIdentity;
  let db: Client;
  const boundary = '----quirelimits';

  beforeAll(async () => {
    await stack.open('fault_limits', {
      RATE_LIMIT_PER_MINUTE: '100000',
      UPLOAD_IDLE_TIMEOUT_SECONDS: String(UPLOAD_IDLE_SECONDS),
      HTTP_IDLE_TIMEOUT_SECONDS: String(HTTP_IDLE_SECONDS),
      FILE_MAX_BYTES_USER_AVATAR: String(AVATAR_MAX_BYTES),
      UPLOAD_RESERVATION_SWEEP_INTERVAL_SECONDS: '1',
    });
    await stack.start('identity', 'file');
    [gateway] = (await stack.start('gateway')) as [RunningApp];
    owner = await signInAs({ gatewayUrl: gateway.url, env: stack.env }, { account: 'A' });
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await stack.close();
  });

  const uploadHead = (length: number) => ({
    method: 'POST',
    path: '/api_v3/files',
    headers: { 'x-apitoken': owner.apiToken, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
  });
  const categoryPart = (category: string) => `--${boundary}\r\nContent-Disposition: form-data; name="meta.category"\r\n\r\n${category}\r\n`;
  const filePartHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
  const openReservations = async (): Promise<number> =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM "file"."upload_reservations" WHERE "state" = 'open'`)).rows[0]!.n);

  it('a body that stops midway: 408 in the family shape, the connection closed, the staged object and reservation cleaned up', async () => {
    const exchange = await rawHttpRequest(gateway.url, uploadHead(20 * MiB), Buffer.concat([Buffer.from(categoryPart('user_document') + filePartHead), PDF_HEAD, Buffer.alloc(6 * MiB, 0x20)]));
    const answer = await exchange.response;
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'REQUEST_TIMEOUT', message: expect.any(String) } });
    const closedAfterMs = await exchange.closed;
    expect(closedAfterMs).toBeLessThan((UPLOAD_IDLE_SECONDS + 5) * 1000);
    // The staged multipart upload was aborted: no object.
    expect(await listKeys(s3, stack.env.S3_BUCKET)).toEqual([]);
    // Its reservation is the sweeper's once expired (expired here rather than waiting out the TTL).
    expect(await openReservations()).toBe(1);
    await db.query(`UPDATE "file"."upload_reservations" SET "expires_at" = now() - interval '1 second' WHERE "state" = 'open'`);
    await waitFor(async () => (await openReservations()) === 0, { timeoutMs: 15_000, description: 'the reservation to be swept' });
  });

  it('meta.category first: a file over its category limit is refused at that limit, not read whole', async () => {
    const declared = 90 * MiB;
    const exchange = await rawHttpRequest(gateway.url, uploadHead(declared), Buffer.concat([Buffer.from(categoryPart('user_avatar') + filePartHead), PDF_HEAD]));
    let answered = false;
    void exchange.response.finally(() => (answered = true));
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    while (!answered && !exchange.socket.destroyed && exchange.sentBodyBytes() < declared) await exchange.write(chunk);
    const answer = await exchange.response;
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    // Refused after about the avatar limit, not after 90 MiB (socket buffers hold a few MiB more).
    expect(exchange.sentBodyBytes()).toBeLessThan(16 * MiB);
    await exchange.closed;
    expect(await listKeys(s3, stack.env.S3_BUCKET)).toEqual([]);
  });

  it('the file first (as the spec\'s example sends it): held to the largest limit, then to its category\'s, nothing left staged', async () => {
    const file = Buffer.concat([PDF_HEAD, Buffer.alloc(AVATAR_MAX_BYTES * 2, 0x20)]);
    const body = (category: string) => Buffer.concat([Buffer.from(filePartHead), file, Buffer.from(`\r\n${categoryPart(category)}--${boundary}--\r\n`)]);
    const asAvatar = await (await rawHttpRequest(gateway.url, uploadHead(body('user_avatar').length), body('user_avatar'))).response;
    expect(asAvatar.status).toBe(413);
    expect(JSON.parse(asAvatar.body)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    expect(await listKeys(s3, stack.env.S3_BUCKET)).toEqual([]);
    const asDocument = await (await rawHttpRequest(gateway.url, uploadHead(body('user_document').length), body('user_document'))).response;
    expect(asDocument.status).toBe(200);
    expect(JSON.parse(asDocument.body)).toMatchObject({ data: { size: file.length, meta: { category: 'user_document' } } });
  });

  it('a Content-Length over the route limit is a 413 before a byte of the body is sent, and the connection closes', async () => {
    const exchange = await rawHttpRequest(gateway.url, uploadHead(200 * MiB));
    const answer = await exchange.response;
    expect(exchange.sentBodyBytes()).toBe(0);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    expect(answer.headers['connection']).toBe('close');
    expect(await exchange.closed).toBeLessThan(5000);
  });

  it('a JSON body that stalls does not keep its connection past HTTP_IDLE_TIMEOUT_SECONDS', async () => {
    const exchange = await rawHttpRequest(
      gateway.url,
      { method: 'POST', path: '/rest/ng/sessions', headers: { 'content-type': 'application/json', 'content-length': '100' } },
      '{"loginName":',
    );
    const closedAfterMs = await exchange.closed;
    expect(closedAfterMs).toBeGreaterThanOrEqual(HTTP_IDLE_SECONDS * 1000 - 200);
    expect(closedAfterMs).toBeLessThan((HTTP_IDLE_SECONDS + 5) * 1000);
  });
});
