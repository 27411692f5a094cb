import { connect, NatsConnection } from 'nats';
import { Client } from 'pg';
import { PingReply, Subjects } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { RpcClient } from '@quire/platform';
import { createTestDatabase, RunningApp, startApp, TestDatabase, testEnv, waitFor } from '@quire/testing';

/**
 * SIGTERM while a request is being handled: the service stops taking new messages, answers the
 * one in flight, closes its pool and exits 0. A bad variable stops start-up, naming it.
 */
describe('service lifecycle', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let nats: NatsConnection;
  let rpc: RpcClient;
  let identity: RunningApp | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('lifecycle');
    env = testEnv({ DATABASE_URL: database.url });
    nats = await connect({ servers: env.NATS_URL });
    rpc = new RpcClient(nats, 10_000, env.NATS_SUBJECT_PREFIX);
  });

  afterAll(async () => {
    await identity?.stop('SIGKILL');
    await nats?.close();
    await database?.drop();
  });

  it('validates payloads and keeps domain error codes across NATS', async () => {
    identity = await startApp('identity', env);
    const invalid = await rpc.request(Subjects.Identity.ping, { echo: 5, extra: 1 }, { requestId: 'bad-1' }).catch((e) => e);
    expect(invalid).toBeInstanceOf(DomainError);
    expect(invalid).toMatchObject({ code: ErrorCode.ValidationFailed, details: { fields: { extra: expect.any(Array), echo: expect.any(Array) } } });
    const anonymous = await rpc.request(Subjects.Identity.authorizeRoom, { room: 'system_a' }, { requestId: 'anon-1' }).catch((e) => e);
    expect(anonymous).toMatchObject({ code: ErrorCode.Unauthenticated });
    const allowed = await rpc.request(Subjects.Identity.authorizeRoom, { room: 'system_a' }, {
      requestId: 'ok-1',
      principal: { userId: 'u', accountId: 'a', roles: [], scopes: [] },
    });
    expect(allowed).toEqual({ allowed: true });
  });

  it('finishes the in-flight request on SIGTERM, then exits 0', async () => {
    const blocker = new Client({ connectionString: database.url });
    await blocker.connect();
    try {
      // Hold a lock the ping handler needs, so its request is in flight when SIGTERM arrives.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE identity.migrations IN ACCESS EXCLUSIVE MODE');
      const reply = rpc.request<PingReply>(Subjects.Identity.ping, {}, { requestId: 'inflight-1' });
      await waitFor(
        async () => {
          const { rows } = await blocker.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
          );
          return rows[0].n > 0;
        },
        { description: 'the ping to wait on the lock' },
      );
      const exited = identity!.stop('SIGTERM');
      await waitFor(
        async () => {
          // Once it has unsubscribed, a new request finds no responder.
          const error = await rpc.request(Subjects.Identity.ping, {}, { requestId: 'late-1', timeoutMs: 500 }).catch((e) => e);
          return error instanceof DomainError && error.code === ErrorCode.ServiceUnavailable;
        },
        { description: 'identity to stop taking new messages' },
      );
      await blocker.query('COMMIT');
      await expect(reply).resolves.toMatchObject({ service: 'identity' });
      await expect(exited).resolves.toBe(0);
    } finally {
      await blocker.end();
    }
  });

  it('refuses to start with a bad variable and names it', async () => {
    await expect(startApp('file', { ...env, NATS_REQUEST_TIMEOUT_MS: 'soon', DATABASE_URL: 'mysql://nope' }, 10_000)).rejects.toThrow(
      /NATS_REQUEST_TIMEOUT_MS[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*NATS_REQUEST_TIMEOUT_MS/,
    );
  });
});
