import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { E2eStack, listKeys, RunningApp, signInAs, TestIdentity, testS3Client, waitFor } from '@quire/testing';
import { uploadPausingMidway, uploadSmallFile } from './fault-uploads';

const MiB = 1024 * 1024;

/**
 * Issue 16, fault 1: a process killed in the middle of an upload (the owning service, then the
 * gateway itself) leaves nothing half-linked — no row without its object, no object without its
 * row once the reservation sweeper has run — and the client's retry succeeds.
 */
describe('a service killed mid-upload (gateway + file + identity as real processes)', () => {
  const stack = new E2eStack();
  const s3 = testS3Client();
  let gateway: RunningApp;
  let file: RunningApp;
  let owner: TestIdentity;
  let db: Client;

  beforeAll(async () => {
    await stack.open('fault_kill', { RATE_LIMIT_PER_MINUTE: '100000', UPLOAD_RESERVATION_SWEEP_INTERVAL_SECONDS: '1' });
    [, file] = (await stack.start('identity', 'file')) as [RunningApp, RunningApp];
    [gateway] = (await stack.start('gateway')) as [RunningApp];
    owner = await signInAs({ gatewayUrl: gateway.url, env: stack.env }, { account: 'A' });
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await stack.close();
  });

  const fileRows = async (): Promise<Array<{ id: string; storage_key: string }>> =>
    (await db.query<{ id: string; storage_key: string }>('SELECT "id", "storage_key" FROM "file"."files"')).rows;
  const openReservations = async (): Promise<number> =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM "file"."upload_reservations" WHERE "state" = 'open'`)).rows[0]!.n);
  const exists = (key: string): Promise<boolean> =>
    s3.send(new HeadObjectCommand({ Bucket: stack.env.S3_BUCKET, Key: key })).then(
      () => true,
      () => false,
    );

  it('the file service killed while the body streams: 503 in the family shape, nothing kept; the retry after its restart succeeds', async () => {
    const midway = await uploadPausingMidway(gateway.url, owner.apiToken, {
      sizeBytes: 12 * MiB,
      pauseAfterBytes: 6 * MiB,
      whenPaused: async () => {
        await file.stop('SIGKILL');
      },
    });
    expect(midway.status).toBe(503);
    expect(await midway.json()).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });
    expect(await fileRows()).toEqual([]);
    // The gateway deleted what it had written: the commit found nobody, so nothing can link it.
    expect(await listKeys(s3, stack.env.S3_BUCKET)).toEqual([]);

    file = await stack.restart('file');
    const retry = await uploadPausingMidway(gateway.url, owner.apiToken, { sizeBytes: 12 * MiB, pauseAfterBytes: 6 * MiB });
    expect(retry.status).toBe(200);
    const { data } = (await retry.json()) as { data: { id: string; size: number } };
    expect(data.size).toBe(12 * MiB);
    const rows = await fileRows();
    expect(rows.map((row) => row.id)).toEqual([data.id]);
    expect(await exists(rows[0]!.storage_key)).toBe(true);
  }, 90_000);

  it('the gateway killed while the body streams: the client sees an error, a new gateway takes the retry, the sweeper leaves nothing half-linked', async () => {
    const before = await fileRows();
    const broken = uploadPausingMidway(gateway.url, owner.apiToken, {
      sizeBytes: 12 * MiB,
      pauseAfterBytes: 6 * MiB,
      whenPaused: async () => {
        await gateway.stop('SIGKILL');
      },
    });
    await expect(broken).rejects.toThrow();
    expect(await fileRows()).toEqual(before);

    gateway = await stack.restart('gateway');
    const retry = await uploadSmallFile(gateway.url, owner.apiToken, 'after-the-crash');
    expect(retry.status).toBe(200);

    // Both broken uploads left an open reservation; expire them now rather than wait out the TTL.
    expect(await openReservations()).toBeGreaterThanOrEqual(2);
    await db.query(`UPDATE "file"."upload_reservations" SET "expires_at" = now() - interval '1 second' WHERE "state" = 'open'`);
    await waitFor(async () => (await openReservations()) === 0, { timeoutMs: 15_000, description: 'the sweeper to remove the expired reservations' });

    const rows = await fileRows();
    expect(rows).toHaveLength(before.length + 1);
    for (const row of rows) expect(await exists(row.storage_key)).toBe(true);
    const keys = await listKeys(s3, stack.env.S3_BUCKET);
    expect(keys.sort()).toEqual(rows.map((row) => row.storage_key).sort());
  }, 90_000);
});
