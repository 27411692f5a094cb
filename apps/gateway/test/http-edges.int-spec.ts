import { NatsConnection, Subscription } from 'nats';
import { removeBucket, RunningApp, startApp, testEnv, testS3Client, uniqueId, waitFor } from '@quire/testing';
import { Mounts } from '../src/families/families';
import { FakeIdentity } from './support/fake-identity';
import { testNats } from './support/nats-test';

/**
 * What the gateway does at its edges, with no service running: NATS timeouts and missing
 * responders, security headers, CORS, the body limit and the OpenAPI document.
 */
describe('gateway HTTP edges', () => {
  let token: string;
  let identity: FakeIdentity;
  const BODY_LIMIT_BYTES = 4096;
  let env: Record<string, string>;
  let gateway: RunningApp;
  let nats: NatsConnection;

  beforeAll(async () => {
    env = testEnv({
      NATS_REQUEST_TIMEOUT_MS: '200',
      CORS_ORIGINS: 'https://a.example',
      BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    });
    nats = await testNats(env.NATS_URL);
    // Identity's session check is played here; the services the routes call are not running.
    identity = await FakeIdentity.start(nats, env.NATS_SUBJECT_PREFIX);
    token = identity.token({ userId: `user-${uniqueId()}`, accountId: 'account-edges', roles: ['user'], scopes: [] });
    gateway = await startApp('gateway', env);
  });

  afterAll(async () => {
    await gateway?.stop();
    identity?.stop();
    await nats?.drain();
    if (env) await removeBucket(testS3Client(), env.S3_BUCKET);
  });

  describe('NATS failures', () => {
    let silent: Subscription;

    afterEach(() => silent?.unsubscribe());

    it('answers 504 in the family shape when the service takes the request and never answers', async () => {
      // Someone listens (so it is not "no responders") but never replies.
      let received = 0;
      silent = nats.subscribe(`${env.NATS_SUBJECT_PREFIX}svc.identity.system.ping`, { callback: () => (received += 1) });
      await nats.flush();
      const started = Date.now();
      const response = await fetch(`${gateway.url}/rest/ng/_ping`, { headers: { 'x-os-api-token': token } });
      expect(response.status).toBe(504);
      expect(await response.json()).toEqual([{ code: 'UPSTREAM_TIMEOUT', message: 'The identity service did not answer in time' }]);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(received).toBe(1);
    });

    it('answers 503 in the family shape when nothing listens', async () => {
      const response = await fetch(`${gateway.url}/api/v1/_ping`, { headers: { 'x-api-token': token } });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        code: 'SERVICE_UNAVAILABLE',
        message: 'The document-repository service is not available',
        details: { service: 'document-repository' },
      });
    });
  });

  it("sends the REST security headers on API answers and helmet's set on Swagger UI", async () => {
    const response = await fetch(`${gateway.url}/api/v1/_ping`);
    expect(response.status).toBe(401);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('x-powered-by')).toBeNull();
    const docs = await fetch(`${gateway.url}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self' 'unsafe-inline'");
    expect(docs.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      fetch(`${gateway.url}/api/v1/_ping`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-token' },
      });

    it('allows a preflight from a configured origin', async () => {
      const response = await preflight('https://a.example');
      expect(response.status).toBeLessThan(300);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://a.example');
      expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-api-token');
      expect(response.headers.get('access-control-expose-headers')).toContain('Retry-After');
    });

    it('does not allow any other origin', async () => {
      const response = await preflight('https://b.example');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const simple = await fetch(`${gateway.url}/health/live`, { headers: { origin: 'https://b.example' } });
      expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('body limit', () => {
    const post = (path: string, bytes: number) =>
      fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-token': token },
        body: JSON.stringify({ pad: 'x'.repeat(bytes - 10) }),
      });

    it('answers 413 in the family shape over BODY_LIMIT_BYTES', async () => {
      const documents = await post('/api/v1/_ping', BODY_LIMIT_BYTES + 100);
      expect(documents.status).toBe(413);
      expect(await documents.json()).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large', details: {} });
      const restAuth = await post('/rest/ng/_ping', BODY_LIMIT_BYTES + 100);
      expect(restAuth.status).toBe(413);
      expect(await restAuth.json()).toEqual([{ code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' }]);
    });

    it('reads a body under the limit (the route then decides: POST _ping does not exist)', async () => {
      const response = await post('/api/v1/_ping', BODY_LIMIT_BYTES - 100);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  it('serves the OpenAPI document at /docs-json listing every family _ping route', async () => {
    const response = await fetch(`${gateway.url}/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toMatch(/^3\./);
    for (const mount of Object.values(Mounts)) expect(document.paths[`${mount}/_ping`]).toHaveProperty('get');
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/health'))).toEqual([]);
  });

  describe('request logging', () => {
    let logged: RunningApp;

    beforeAll(async () => {
      logged = await startApp('gateway', { ...env, LOG_LEVEL: 'info' });
    });

    afterAll(() => logged?.stop());

    it('logs one line per request without secrets, and not the health probes', async () => {
      const requestId = `req-log-${uniqueId()}`;
      await fetch(`${logged.url}/health/live`);
      await fetch(`${logged.url}/rest/ng/_ping?token=secret-query-value`, {
        headers: { 'x-os-api-token': token, 'x-request-id': requestId },
      });
      await waitFor(() => logged.output().includes(requestId), { timeoutMs: 5000, description: 'the request log line' });
      const lines = logged
        .output()
        .split('\n')
        .filter((line) => line.includes('"request completed"'));
      const mine = lines.filter((line) => line.includes(requestId));
      expect(mine).toHaveLength(1);
      expect(JSON.parse(mine[0] ?? '{}')).toMatchObject({
        requestId,
        method: 'GET',
        url: '/rest/ng/_ping?token=[redacted]',
        statusCode: 400, // `token` is not a query field of _ping
      });
      expect(lines.some((line) => line.includes('/health'))).toBe(false);
      expect(logged.output()).not.toContain(token);
      expect(logged.output()).not.toContain('secret-query-value');
    });
  });
});
