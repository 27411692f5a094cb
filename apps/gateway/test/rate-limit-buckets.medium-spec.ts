import { randomUUID } from 'node:crypto';
import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import Redis from 'ioredis';
import { apiTokenScope, editSessionScope } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { waitFor } from '@quire/testing';
import { RateLimit } from '../src/throttling/rate-limits';
import { QuireThrottlerGuard } from '../src/throttling/throttle.guard';
import { FailOpenThrottlerStorage, redisThrottlerStorage, THROTTLE_KEY_PREFIX } from '../src/throttling/throttler-storage';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Four documents routes of two controllers, and the word-edit routes with named buckets.
class ProjectsRoutes {
  list(): void {}
  get(): void {}
}
class UsersRoutes {
  list(): void {}
  roles(): void {}
}
class SessionRoutes {
  @RateLimit('sessionCreate')
  start(): void {}
  @RateLimit('sessionCreate')
  takeOver(): void {}
  @RateLimit('sessionRetrieve')
  active(): void {}
  @RateLimit('sessionRetrieve')
  versions(): void {}
}
class AgentRoutes {
  @RateLimit('agentUpload')
  upload(): void {}
}

type Route = [new () => object, string, string];
const documentsRoutes: Route[] = [
  [ProjectsRoutes, 'list', '/api/v1/projects'],
  [ProjectsRoutes, 'get', '/api/v1/projects/1'],
  [UsersRoutes, 'list', '/api/v1/users'],
  [UsersRoutes, 'roles', '/api/v1/roles'],
];

/**
 * The guard with the gateway's real storage (Redis, as in production) and its real bucket rules:
 * counters are per client across routes (ADR 018). Keys are unique per run; removed afterwards.
 */
describe('rate-limit buckets (guard + Redis storage)', () => {
  const run = randomUUID();
  // The gateway's own storage (Redis, falling back to memory); every count below must reach Redis.
  const redis = redisThrottlerStorage(REDIS_URL);
  const increments = jest.spyOn(redis, 'increment');
  const storage = new FailOpenThrottlerStorage(redis);
  let guard: QuireThrottlerGuard;

  beforeAll(async () => {
    await waitFor(() => redis.redis.status === 'ready', { description: 'Redis connection' });
    guard = new QuireThrottlerGuard({ throttlers: [{ name: 'default', ttl: 60_000, limit: 600 }] }, storage, new Reflector());
    await guard.onModuleInit();
  });

  afterAll(async () => {
    const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const keys = await admin.keys(`${THROTTLE_KEY_PREFIX}*${run}*`);
      expect(keys.length).toBeGreaterThan(0);
      await admin.del(...keys);
    } finally {
      admin.disconnect();
      await storage.onModuleDestroy();
      storage.onApplicationShutdown();
    }
  });

  const user = (name: string, scopes: string[] = [], extra: Partial<Principal> = {}): Principal => ({
    userId: `${name}-${run}`,
    accountId: `acc-${run}`,
    roles: ['user'],
    scopes,
    ...extra,
  });

  function context([controller, handler, url]: Route, principal: Principal | undefined, ip = '10.1.1.1'): ExecutionContext {
    const headers: Record<string, string> = {};
    const reply = { header: (name: string, value: string) => ((headers[name] = value), reply) };
    const prototype = controller.prototype as Record<string, () => void>;
    const host = new ExecutionContextHost([{ headers: {}, url, ip, principal }, reply], controller as never, prototype[handler]!);
    host.setType('http');
    return host;
  }

  async function outcome(route: Route, principal: Principal | undefined, ip?: string): Promise<string> {
    try {
      return String(await guard.canActivate(context(route, principal, ip)));
    } catch (error) {
      return error instanceof DomainError ? error.code : `other: ${String(error)}`;
    }
  }

  it('counts one API token once across all documents routes, at its own limit', async () => {
    const token = user('tokenuser', [apiTokenScope(`tok-${run}`)], { rateLimitPerMinute: 6 });
    const results: string[] = [];
    for (let i = 0; i < 8; i += 1) results.push(await outcome(documentsRoutes[i % 4]!, token));
    expect(results).toEqual(['true', 'true', 'true', 'true', 'true', 'true', 'RATE_LIMITED', 'RATE_LIMITED']);
    // Another token of the same user is another client with its own budget.
    expect(await outcome(documentsRoutes[0]!, user('tokenuser', [apiTokenScope(`tok2-${run}`)], { rateLimitPerMinute: 6 }))).toBe('true');
  });

  it('counts session creation per user: start and take over share it, and a new API token does not reset it', async () => {
    const login = user('hasty', [`login_session:s-${run}`]);
    const results: string[] = [];
    for (let i = 0; i < 10; i += 1) results.push(await outcome([SessionRoutes, i % 2 ? 'takeOver' : 'start', '/api-v3/report/external-edit/1'], login));
    expect(results).toEqual(Array(10).fill('true'));
    const minted = user('hasty', [apiTokenScope(`fresh-${run}`)], { rateLimitPerMinute: 50 });
    expect(await outcome([SessionRoutes, 'start', '/api-v3/report/external-edit/1'], minted)).toBe('RATE_LIMITED');
    expect(await outcome([SessionRoutes, 'takeOver', '/api-v3/report/external-edit/2/takeover'], login)).toBe('RATE_LIMITED');
    // Retrieval is another bucket of the same user, and the user's general bucket is untouched.
    expect(await outcome([SessionRoutes, 'active', '/api-v3/report/external-edit/1'], login)).toBe('true');
    expect(await outcome(documentsRoutes[0]!, login)).toBe('true');
  });

  it('counts session retrieval per user across its routes and credentials', async () => {
    const login = user('reader', [`login_session:r-${run}`]);
    const viaToken = user('reader', [apiTokenScope(`rt-${run}`)]);
    const results: string[] = [];
    for (let i = 0; i < 61; i += 1) results.push(await outcome([SessionRoutes, i % 2 ? 'versions' : 'active', '/api-v3/report/external-edit/1'], i % 3 ? login : viaToken));
    expect(results.slice(0, 60).every((r) => r === 'true')).toBe(true);
    expect(results[60]).toBe('RATE_LIMITED');
  });

  it('counts agent uploads per edit session', async () => {
    const agent = (session: string) => user('author', [editSessionScope(`${session}-${run}`, `jti-${session}`)]);
    const results: string[] = [];
    for (let i = 0; i < 6; i += 1) results.push(await outcome([AgentRoutes, 'upload', '/api-v3/report/external-edit/agent/1'], agent('e1')));
    expect(results).toEqual(['true', 'true', 'true', 'true', 'true', 'RATE_LIMITED']);
    expect(await outcome([AgentRoutes, 'upload', '/api-v3/report/external-edit/agent/2'], agent('e2'))).toBe('true');
  });

  it('counts a user without a token once across routes and families at the default limit, and addresses apart', async () => {
    const small = new QuireThrottlerGuard({ throttlers: [{ name: 'default', ttl: 60_000, limit: 3 }] }, storage, new Reflector());
    await small.onModuleInit();
    const login = user('browser', [`login_session:b-${run}`]);
    const routes: Route[] = [documentsRoutes[0]!, [UsersRoutes, 'list', '/api_v3/files'], [UsersRoutes, 'roles', '/rest/ng/users'], documentsRoutes[3]!];
    const results: string[] = [];
    for (const route of routes) {
      results.push(await small.canActivate(context(route, login)).then(String, (e: DomainError) => e.code));
    }
    expect(results).toEqual(['true', 'true', 'true', 'RATE_LIMITED']);
    // No principal: the address is the client (a unique one per run, so reruns do not share it).
    expect(await small.canActivate(context(documentsRoutes[0]!, undefined, `anon-${run}`)).then(String)).toBe('true');
  });

  it('makes one storage call (one Redis round trip) per request, all of them in Redis', async () => {
    expect(increments.mock.results.every((r) => r.type === 'return')).toBe(true);
    increments.mockClear();
    await outcome(documentsRoutes[1]!, user('counted', [apiTokenScope(`c-${run}`)]));
    await outcome([SessionRoutes, 'start', '/api-v3/report/external-edit/1'], user('counted'));
    expect(increments).toHaveBeenCalledTimes(2);
  });
});
