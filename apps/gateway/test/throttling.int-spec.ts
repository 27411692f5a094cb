import Redis from 'ioredis';
import { NatsConnection } from 'nats';
import { Principal } from '@quire/contracts';
import { freePort, removeBucket, RunningApp, startApp, testEnv, testS3Client, uniqueId } from '@quire/testing';
import { FakeIdentity } from './support/fake-identity';
import { respond, testNats } from './support/nats-test';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PING = '/api/v1/_ping';

/**
 * The gateway's rate limits through real processes: in memory, then shared through Redis by two
 * replicas. The document-repository answer is played by the test (the limit is what is tested).
 */
describe('gateway rate limits', () => {
  let identity: FakeIdentity;
  // Unique per run: counters are per user, so runs (and files) never share a Redis key.
  const run = uniqueId();
  const principal = (name: string): Principal => ({ userId: `${name}-${run}`, accountId: `acc-${run}`, roles: ['user'], scopes: [] });
  const headersOf = (who: Principal) => ({ 'x-api-token': identity.token(who) });

  let env: Record<string, string>;
  let nats: NatsConnection;
  const apps: RunningApp[] = [];

  beforeAll(async () => {
    env = testEnv({ RATE_LIMIT_PER_MINUTE: '3' });
    nats = await testNats(env.NATS_URL);
    identity = await FakeIdentity.start(nats, env.NATS_SUBJECT_PREFIX);
    await respond(nats, `${env.NATS_SUBJECT_PREFIX}svc.document-repository.system.ping`, () => ({ service: 'document-repository', migration: null }));
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    identity?.stop();
    await nats?.drain();
    if (env) await removeBucket(testS3Client(), env.S3_BUCKET);
  });

  async function statuses(url: string, who: Principal, count: number): Promise<number[]> {
    const result: number[] = [];
    for (let i = 0; i < count; i += 1) result.push((await fetch(`${url}${PING}`, { headers: headersOf(who) })).status);
    return result;
  }

  describe('in memory (no REDIS_URL)', () => {
    let gateway: RunningApp;

    beforeAll(async () => {
      gateway = await startApp('gateway', env);
      apps.push(gateway);
    });

    it('answers the 4th request in a minute with 429, Retry-After and the family error shape', async () => {
      const alice = principal('alice');
      expect(await statuses(gateway.url, alice, 3)).toEqual([200, 200, 200]);
      const limited = await fetch(`${gateway.url}${PING}`, { headers: headersOf(alice) });
      expect(limited.status).toBe(429);
      const retryAfter = limited.headers.get('retry-after');
      expect(retryAfter).toMatch(/^[1-9]\d*$/);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
      expect(await limited.json()).toEqual({
        code: 'RATE_LIMITED',
        message: 'Too many requests',
        details: expect.objectContaining({ limit: 3 }),
      });
    });

    it('counts per user, not per address: the principal is resolved before the throttler runs', async () => {
      const carol = principal('carol');
      const dave = principal('dave');
      expect(await statuses(gateway.url, carol, 4)).toEqual([200, 200, 200, 429]);
      // Same address, another user: a counter of its own.
      expect(await statuses(gateway.url, dave, 1)).toEqual([200]);
    });

    it('never limits health probes and metrics scrapes', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 6; i += 1) codes.push((await fetch(`${gateway.url}/health/live`)).status);
      expect(codes).toEqual([200, 200, 200, 200, 200, 200]);
    });
  });

  describe('in Redis (REDIS_URL), shared by two replicas', () => {
    let redis: Redis;
    let first: RunningApp;
    let second: RunningApp;
    const erin = principal('erin');
    // One bucket per client, not per route (ADR 018): the key is the client, in the storage's key layout.
    const bucket = `user:${erin.accountId}:${erin.userId}`;
    const keys = [`quire:throttle:{${bucket}:default}:hits`, `quire:throttle:{${bucket}:default}:blocked`];

    beforeAll(async () => {
      redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      [first, second] = await Promise.all([startApp('gateway', { ...env, REDIS_URL }), startApp('gateway', { ...env, REDIS_URL })]);
      apps.push(first, second);
    });

    afterAll(async () => {
      await redis?.del(...keys);
      redis?.disconnect();
    });

    it('shares counters: 2 requests to one replica and 2 to the other make the 4th a 429', async () => {
      expect(await statuses(first.url, erin, 2)).toEqual([200, 200]);
      expect(await statuses(second.url, erin, 2)).toEqual([200, 429]);
    });

    it('stores the counters under the quire:throttle: prefix with an expiry', async () => {
      const [hitsTtl, blockedTtl] = await Promise.all(keys.map((key) => redis.pttl(key)));
      for (const ttl of [hitsTtl, blockedTtl]) {
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
      expect(Number(await redis.get(keys[0]!))).toBe(4);
    });
  });

  describe('when Redis is down', () => {
    let gateway: RunningApp;

    beforeAll(async () => {
      // Nothing listens on this port: every Redis command fails.
      gateway = await startApp('gateway', { ...env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
      apps.push(gateway);
    });

    it('keeps answering and limits in memory instead of failing every request', async () => {
      expect(await statuses(gateway.url, principal('frank'), 4)).toEqual([200, 200, 200, 429]);
      expect(gateway.output()).toContain('Rate-limit store unavailable');
    });
  });
});
