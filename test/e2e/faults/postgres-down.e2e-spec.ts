import { ServiceNames } from '@quire/contracts';
import { E2eStack, PrivatePostgres, RunningApp, signInAs, TestIdentity, waitFor } from '@quire/testing';

/** Recovery: every family answers again this soon after Postgres accepts connections. */
const RECOVERY_MS = 15_000;

/**
 * Issue 16, fault 3: Postgres stopped for a few seconds under every service. A private cluster
 * (initdb in a temp dir): the machine's shared Postgres serves every other test. While it is down
 * each family answers 503 in its own shape (never a 500); once it is back every family answers
 * again without any app being restarted.
 */
describe('Postgres stopped and started again (every service + gateway on a private Postgres)', () => {
  const stack = new E2eStack();
  const postgres = new PrivatePostgres();
  let gateway: RunningApp;
  let owner: TestIdentity;
  let newcomer: TestIdentity;

  beforeAll(async () => {
    await postgres.start();
    await stack.open('fault_pg', { RATE_LIMIT_PER_MINUTE: '100000' }, { adminDatabaseUrl: postgres.adminUrl });
    await stack.start(...ServiceNames);
    [gateway] = (await stack.start('gateway')) as [RunningApp];
    owner = await signInAs({ gatewayUrl: gateway.url, env: stack.env }, { account: 'A' });
    // Signed in, but its API token has never been used: the gateway has not cached its principal.
    newcomer = await signInAs({ gatewayUrl: gateway.url, env: stack.env }, { account: 'A' });
  }, 150_000);

  afterAll(async () => {
    await stack.close();
    await postgres.remove();
  });

  /** One route per family that reaches its service's schema, and the family's 503 body. */
  const families: Array<{ mount: string; headers: () => Record<string, string>; unavailable: unknown }> = [
    {
      mount: '/api-v3/report/external-edit',
      headers: () => ({ authorization: `Bearer ${owner.token}` }),
      unavailable: { code: 503, message: expect.any(String), details: expect.any(String) },
    },
    {
      mount: '/api_v3/files',
      headers: () => ({ 'x-apitoken': owner.apiToken }),
      unavailable: { error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } },
    },
    {
      mount: '/api/v1',
      headers: () => ({ 'x-api-token': owner.apiToken }),
      unavailable: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String), details: expect.anything() },
    },
    {
      mount: '/pas',
      headers: () => ({ authorization: `Bearer ${owner.token}` }),
      unavailable: { errorCode: 'ServiceUnavailable', errorDetails: { message: expect.any(String) } },
    },
    {
      mount: '/rest/ng',
      headers: () => ({ 'x-os-api-token': owner.token }),
      unavailable: [{ code: 'SERVICE_UNAVAILABLE', message: expect.any(String) }],
    },
  ];

  const ping = async (mount: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${gateway.url}${mount}/_ping?echo=pg`, { headers });
    return { status: response.status, body: await response.json() };
  };

  it('answers 503 in each family shape while Postgres is down, and every family again once it is back', async () => {
    for (const family of families) expect((await ping(family.mount, family.headers())).status).toBe(200);

    await postgres.stop();
    const down = await Promise.all(families.map((family) => ping(family.mount, family.headers())));
    expect(down.map((answer) => answer.status)).toEqual(families.map(() => 503));
    down.forEach((answer, index) => expect(answer.body).toEqual(families[index]!.unavailable));
    // A credential the gateway has not resolved yet needs identity's tables: 503 too, not 401.
    const unresolved = await ping('/api/v1', { 'x-api-token': newcomer.apiToken });
    expect(unresolved).toEqual({ status: 503, body: families[2]!.unavailable });

    await postgres.start();
    const backAt = Date.now();
    await waitFor(
      async () => (await Promise.all(families.map((family) => ping(family.mount, family.headers())))).every((answer) => answer.status === 200),
      { timeoutMs: RECOVERY_MS, intervalMs: 200, description: 'every family to answer again' },
    );
    process.stdout.write(`Postgres back: every family answered again after ${Date.now() - backAt} ms\n`);
    expect((await ping('/api/v1', { 'x-api-token': newcomer.apiToken })).status).toBe(200);
    // No app was restarted.
    expect(stack.apps.every((app) => app.process.exitCode === null)).toBe(true);
  }, 90_000);
});
