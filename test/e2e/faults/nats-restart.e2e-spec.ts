import { connect, JSONCodec, NatsConnection, RetentionPolicy, StorageType } from 'nats';
import { Client } from 'pg';
import { E2eStack, PrivateNats, RunningApp, signInAs, TestIdentity, waitFor } from '@quire/testing';
import { uploadSmallFile } from './fault-uploads';

interface Attempt {
  label: string;
  startedAt: number;
  finishedAt: number;
  status: number | 'network-error';
  body: unknown;
  id?: string;
}

const WORKERS = 4;
/** What "recovered" means: every request started this long after NATS is back succeeds. */
const RECOVERY_MS = 5000;
/** How long NATS stays down. */
const OUTAGE_MS = 2000;

/**
 * Issue 16, fault 2: NATS restarted (killed, then started again on the same port and store) while
 * uploads keep arriving. On a private nats-server: the machine's shared one serves every other
 * test. Requests recover within 5 s, every answered write is in the database, and every committed
 * write's outbox event reaches a JetStream stream (none lost between the outbox and NATS).
 */
describe('NATS restarted under load (gateway + file + identity on a private nats-server)', () => {
  const stack = new E2eStack();
  const nats = new PrivateNats();
  const codec = JSONCodec<{ id: string }>();
  let observer: NatsConnection;
  let gateway: RunningApp;
  let owner: TestIdentity;
  let db: Client;
  let stream: string;

  beforeAll(async () => {
    await nats.start();
    const env = await stack.open('fault_nats', { NATS_URL: nats.url, RATE_LIMIT_PER_MINUTE: '100000' });
    // A durable record of what the file service's outbox publishes, surviving the restart.
    observer = await connect({ servers: nats.url, maxReconnectAttempts: -1 });
    stream = `${env.NATS_SUBJECT_PREFIX.replace(/[^A-Za-z0-9_-]/g, '_')}FAULT_FILE_EVENTS`;
    await (await observer.jetstreamManager()).streams.add({
      name: stream,
      subjects: [`${env.NATS_SUBJECT_PREFIX}evt.file.created`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
    });
    await stack.start('identity', 'file');
    [gateway] = (await stack.start('gateway')) as [RunningApp];
    owner = await signInAs({ gatewayUrl: gateway.url, env }, { account: 'A' });
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await observer?.close();
    await stack.close();
    await nats.remove();
  });

  it('requests recover within 5 s, no answered write is lost and every committed write has its event', async () => {
    const attempts: Attempt[] = [];
    const send = async (label: string): Promise<Attempt> => {
      const startedAt = Date.now();
      try {
        const response = await uploadSmallFile(gateway.url, owner.apiToken, label);
        const body = (await response.json()) as { data?: { id: string } };
        return { label, startedAt, finishedAt: Date.now(), status: response.status, body, id: body.data?.id };
      } catch (error) {
        return { label, startedAt, finishedAt: Date.now(), status: 'network-error', body: String(error) };
      }
    };
    // Steady load: WORKERS uploads in flight at any time.
    let running = true;
    let sequence = 0;
    const workers = Array.from({ length: WORKERS }, async () => {
      while (running) attempts.push(await send(`w${sequence++}`));
    });
    // Fresh requests too, one every 250 ms whatever the others do (a worker can be held by a
    // commit that was in flight when NATS went down: its answer comes at the commit timeout).
    const probes: Array<Promise<Attempt>> = [];
    const prober = setInterval(() => probes.push(send(`p${probes.length}`)), 250);
    const settledProbes = async (): Promise<Attempt[]> =>
      (await Promise.all(probes.map((probe) => Promise.race([probe, Promise.resolve(undefined)])))).filter((probe): probe is Attempt => probe !== undefined);

    await waitFor(() => attempts.filter((attempt) => attempt.status === 200).length >= 8, { timeoutMs: 30_000, description: 'uploads before the restart' });
    await nats.stop('SIGKILL');
    const downAt = Date.now();
    // The outage lasts OUTAGE_MS (the scenario, not a guess at timing).
    await waitFor(() => Date.now() - downAt >= OUTAGE_MS, { timeoutMs: OUTAGE_MS + 1000 });
    await nats.start();
    const backAt = Date.now();
    /** When the first request answered with success after NATS was back, in ms after it was. */
    const recoveredAfterMs = await waitFor(
      async () => {
        const ok = (await settledProbes()).filter((probe) => probe.status === 200 && probe.finishedAt > backAt);
        return ok.length > 0 && Math.min(...ok.map((probe) => probe.finishedAt)) - backAt;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: 'a request to succeed after the restart' },
    );
    await waitFor(async () => (await settledProbes()).filter((probe) => probe.startedAt > backAt + RECOVERY_MS).length >= 8, {
      timeoutMs: 30_000,
      description: 'requests after the recovery window',
    });
    clearInterval(prober);
    running = false;
    await Promise.all(workers);
    attempts.push(...(await Promise.all(probes)));

    const failed = attempts.filter((attempt) => attempt.status !== 200);
    const late = attempts.filter((attempt) => attempt.startedAt > backAt + RECOVERY_MS);
    process.stdout.write(
      `NATS restart (down ${backAt - downAt} ms): ${attempts.length} uploads, ${failed.length} failed (${[...new Set(failed.map((attempt) => attempt.status))].join(', ')}), ` +
        `first success ${recoveredAfterMs} ms after NATS was back\n`,
    );
    expect(recoveredAfterMs).toBeLessThanOrEqual(RECOVERY_MS);
    // A request made while NATS was down either waited for it (within its timeout) and succeeded,
    // or ended as the family's 503 / 504 below — how many succeed depends on how long the client's
    // reconnect takes on a loaded machine, so it is reported, not asserted.
    const duringOutage = attempts.filter((attempt) => attempt.label.startsWith('p') && attempt.startedAt > downAt && attempt.startedAt < backAt);
    process.stdout.write(`NATS restart: ${duringOutage.filter((attempt) => attempt.status === 200).length} of ${duringOutage.length} requests made during the outage succeeded\n`);
    // Recovered: everything started 5 s after NATS came back succeeded.
    expect(late.filter((attempt) => attempt.status !== 200)).toEqual([]);
    // Failures on the way are the family's 503 / 504, never a 500 or a hang.
    for (const attempt of failed) {
      expect([503, 504]).toContain(attempt.status);
      expect(attempt.body).toEqual({ error: { code: expect.stringMatching(/^(SERVICE_UNAVAILABLE|UPSTREAM_TIMEOUT)$/), message: expect.any(String) } });
    }

    // No answered write lost.
    const rows = (await db.query<{ id: string }>('SELECT "id" FROM "file"."files"')).rows.map((row) => row.id);
    const answered = attempts.filter((attempt) => attempt.status === 200).map((attempt) => attempt.id!);
    expect(answered.filter((id) => !rows.includes(id))).toEqual([]);

    // No event lost: the outbox drains, and the stream holds a file.created for every committed row.
    await waitFor(
      async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM "file"."outbox" WHERE "published_at" IS NULL')).rows[0]!.n) === 0,
      { timeoutMs: 20_000, description: 'the outbox to be published' },
    );
    const jsm = await observer.jetstreamManager();
    const published = new Set<string>();
    await waitFor(
      async () => {
        const { state } = await jsm.streams.info(stream);
        for (let seq = Math.max(1, state.first_seq); seq <= state.last_seq; seq++) published.add(codec.decode((await jsm.streams.getMessage(stream, { seq })).data).id);
        return rows.every((id) => published.has(id));
      },
      { timeoutMs: 10_000, description: 'an event for every committed file' },
    ).catch(() => undefined);
    expect(rows.filter((id) => !published.has(id))).toEqual([]);
  }, 120_000);
});
