import { ServiceNames } from '@quire/contracts';
import {
  createTestDatabase,
  removeBucket,
  RunningApp,
  signInAs,
  startApp,
  TestDatabase,
  testEnv,
  testS3Client,
} from '@quire/testing';

/** Gateway and every service as separate processes: one request through each family mount. */
describe('walking skeleton', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  const apps: RunningApp[] = [];
  let gateway: RunningApp;
  let token: string;
  let apiToken: string;

  beforeAll(async () => {
    database = await createTestDatabase('skeleton');
    env = testEnv({ DATABASE_URL: database.url });
    apps.push(...(await Promise.all(ServiceNames.map((name) => startApp(name, env)))));
    gateway = await startApp('gateway', env);
    apps.push(gateway);
    ({ token, apiToken } = await signInAs({ gatewayUrl: gateway.url, env }));
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await database?.drop();
    if (env) await removeBucket(testS3Client(), env.S3_BUCKET);
  });

  // Login token (Bearer / X-OS-API-TOKEN) or personal API token (X-ApiToken / X-Api-Token).
  const cases: Array<[string, string, () => Record<string, string>, (body: unknown) => unknown]> = [
    ['/api-v3/report/external-edit', 'edit-session', () => ({ authorization: `Bearer ${token}` }), (b) => b],
    ['/api_v3/files', 'file', () => ({ 'x-apitoken': apiToken }), (b) => (b as { data: unknown }).data],
    ['/api/v1', 'document-repository', () => ({ 'x-api-token': apiToken }), (b) => b],
    ['/pas', 'viewing-session', () => ({ authorization: `Bearer ${token}` }), (b) => b],
    ['/rest/ng', 'identity', () => ({ 'x-os-api-token': token }), (b) => b],
  ];

  it.each(cases)('%s reaches the %s service and its schema', async (mount, service, headers, unwrap) => {
    const response = await fetch(`${gateway.url}${mount}/_ping?echo=hello`, { headers: { ...headers(), 'x-request-id': 'req-skeleton-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-skeleton-1');
    expect(unwrap(await response.json())).toEqual({ service, migration: expect.stringMatching(/^[A-Z]\w+\d{13}$/), echo: 'hello' });
  });

  it('answers 401 in each family shape without a credential', async () => {
    const bodies = await Promise.all(
      cases.map(async ([mount]) => {
        const response = await fetch(`${gateway.url}${mount}/_ping`);
        return [response.status, await response.json()];
      }),
    );
    expect(bodies).toEqual([
      [401, { code: 401, message: 'Authentication required', details: 'UNAUTHENTICATED' }],
      [401, { error: { code: 'UNAUTHENTICATED', message: 'Authentication required' } }],
      [401, { code: 'UNAUTHENTICATED', message: 'Authentication required', details: {} }],
      [401, { errorCode: 'Unauthorized', errorDetails: { message: 'Authentication required' } }],
      [401, [{ code: 'UNAUTHENTICATED', message: 'Authentication required' }]],
    ]);
  });

  it('rejects unknown query fields with the family validation shape (viewing: 480)', async () => {
    const response = await fetch(`${gateway.url}/pas/_ping?nope=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(480);
    expect(await response.json()).toMatchObject({ errorCode: 'InvalidInput' });
  });

  it('every app is ready and exposes Prometheus metrics on its metrics port, never on its HTTP port', async () => {
    for (const app of apps) {
      const ready = await fetch(`${app.url}/health/ready`);
      expect(ready.status).toBe(200);
      // The gateway's HTTP port is the public API: no scrape endpoint there (nor on any app's HTTP port).
      expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
      expect(app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(new URL(app.metricsUrl!).port).not.toBe(String(app.port));
      const metrics = await (await fetch(app.metricsUrl!)).text();
      expect(metrics).toContain('process_resident_memory_bytes');
      // Every app measures its HTTP answers (here: the readiness probe just made).
      expect(metrics).toMatch(/quire_http_request_duration_seconds_count\{method="GET",route="\/health\/ready",status="200",app="[a-z-]+"\} [1-9]/);
    }
    // The gateway's histogram has the route template and the status of the family answers above.
    const gatewayMetrics = await (await fetch(gateway.metricsUrl!)).text();
    expect(gatewayMetrics).toMatch(/quire_http_request_duration_seconds_bucket\{method="GET",route="\/pas\/_ping",status="480",le="\+Inf",app="gateway"\} [1-9]/);
  });

  it('a stopped service gives 503 from the gateway, and SIGTERM exits 0', async () => {
    const identity = apps.find((app) => app.name === 'identity')!;
    expect(await identity.stop('SIGTERM')).toBe(0);
    const response = await fetch(`${gateway.url}/rest/ng/_ping`, { headers: { 'x-os-api-token': token } });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual([{ code: 'SERVICE_UNAVAILABLE', message: 'The identity service is not available' }]);
  });
});
