import { E2eStack, RunningApp, signInAs, TestIdentity } from '@quire/testing';
import { call, sql } from './support';

/** The rest-auth spec's unauthenticated routes, exactly. */
const PUBLIC_ROUTES = [
  'GET /rest/ng/institutes',
  'GET /rest/ng/institutes/byname',
  'GET /rest/ng/config-settings/locale',
  'GET /rest/ng/config-settings/app-props',
  'GET /rest/ng/auth-domains',
  'POST /rest/ng/sessions',
  'POST /rest/ng/users/reset-password',
  'POST /rest/ng/users/forgot-password',
  'POST /rest/ng/users/sign-up',
].sort();

const SOME_UUID = '00000000-0000-4000-8000-000000000000';

/** Users, teams, tokens and the public routes through the gateway, with two accounts. */
describe('identity: directory, tokens and tenants', () => {
  const e2e = new E2eStack();
  let gateway: RunningApp;
  let adminA: TestIdentity;
  let userA: TestIdentity;
  let adminB: TestIdentity;
  const api = (who: TestIdentity, method: string, path: string, body?: unknown) =>
    call(gateway.url, method, `/api/v1${path}`, { headers: { 'x-api-token': who.apiToken }, body });

  beforeAll(async () => {
    const env = await e2e.open('identity_directory');
    await e2e.start('identity');
    [gateway] = await e2e.start('gateway');
    const stack = { gatewayUrl: gateway.url, env };
    adminA = await signInAs(stack, { account: 'A', roles: ['admin', 'user'], displayName: 'Ada Admin' });
    userA = await signInAs(stack, { account: 'A' });
    adminB = await signInAs(stack, { account: 'B', roles: ['admin'] });
  });

  afterAll(() => e2e.close());

  it('signInAs gives real users: same key, same account; roles honoured; both tokens work', async () => {
    expect(adminA.principal.accountId).toBe(userA.principal.accountId);
    expect(adminA.principal.accountId).not.toBe(adminB.principal.accountId);
    const me = await api(adminA, 'GET', `/user/id/${adminA.principal.userId}`);
    expect(me).toEqual({ status: 200, body: expect.objectContaining({ roles: ['admin', 'user'], firstName: 'Ada', lastName: 'Admin', status: 'active' }) });
    const viaLogin = await call(gateway.url, 'GET', `/api/v1/user/id/${adminA.principal.userId}`, { headers: { 'x-api-token': adminA.token } });
    expect(viaLogin.body).toEqual(me.body);
  });

  it('answers without a credential exactly on the spec list; every other rest/ng route is 401', async () => {
    const openapi = (await call(gateway.url, 'GET', '/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(openapi.paths)
      .filter(([path]) => path.startsWith('/rest/ng/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
    expect(routes.length).toBeGreaterThan(PUBLIC_ROUTES.length);
    const open: string[] = [];
    for (const route of routes) {
      const url = route.path.replace(/\{[^}]+\}/g, SOME_UUID);
      const answer = await call(gateway.url, route.method, url, route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} });
      if (answer.status !== 401) open.push(`${route.method} ${route.path}`);
      else expect(answer.body).toEqual([{ code: 'UNAUTHENTICATED', message: 'Authentication required' }]);
    }
    expect(open.sort()).toEqual(PUBLIC_ROUTES);
  });

  it('serves the sign-in form data for the account named by X-AccountCode', async () => {
    const accountA = adminA.principal.accountId;
    const [institute] = await sql<{ id: string }>(e2e.databaseUrl, `INSERT INTO "identity"."institutes" ("account_id", "name") VALUES ($1, 'North Lab') RETURNING "id"`, [accountA]);
    await sql(e2e.databaseUrl, `INSERT INTO "identity"."departments" ("account_id", "institute_id", "name") VALUES ($1, $2, 'Pathology')`, [accountA, institute!.id]);
    const headers = { 'x-accountcode': 'A' };
    expect(await call(gateway.url, 'GET', '/rest/ng/institutes', { headers })).toEqual({
      status: 200,
      body: [{ id: institute!.id, name: 'North Lab', departments: [{ id: expect.any(String), name: 'Pathology' }] }],
    });
    expect((await call(gateway.url, 'GET', '/rest/ng/institutes/byname?name=North%20Lab', { headers })).body).toMatchObject({ name: 'North Lab' });
    expect((await call(gateway.url, 'GET', '/rest/ng/institutes', { headers: { 'x-accountcode': 'B' } })).body).toEqual([]);
    expect((await call(gateway.url, 'GET', '/rest/ng/institutes/byname?name=North%20Lab', { headers: { 'x-accountcode': 'B' } })).status).toBe(404);
    expect(await call(gateway.url, 'GET', '/rest/ng/auth-domains', { headers })).toEqual({ status: 200, body: [{ name: 'openspecimen', type: 'local' }] });
    expect((await call(gateway.url, 'GET', '/rest/ng/config-settings/locale', { headers })).body).toMatchObject({ locale: 'en-US' });
    expect((await call(gateway.url, 'GET', '/rest/ng/config-settings/app-props')).body).toEqual({
      buildVersion: 'dev',
      buildDate: 'unknown',
      plugins: [],
      enabledFeatures: ['word-edit', 'file-upload', 'documents', 'viewing'],
    });
  });

  it('shows an API token once, never lists its secret, and refuses it once deleted', async () => {
    const created = await api(userA, 'POST', '/tokens', { userId: userA.principal.userId, name: 'script' });
    expect(created).toEqual({ status: 201, body: expect.objectContaining({ name: 'script', userId: userA.principal.userId, rateLimitPerMinute: 50 }) });
    const { id, token } = created.body as { id: string; token: string };
    const listed = (await api(userA, 'GET', '/tokens')).body as Array<Record<string, unknown>>;
    expect(listed.map((t) => t['id'])).toContain(id);
    expect(JSON.stringify(listed)).not.toContain(token.slice(-20));
    const stored = await sql<{ token_hash: string }>(e2e.databaseUrl, `SELECT "token_hash" FROM "identity"."api_tokens" WHERE "id" = $1`, [id]);
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const use = () => call(gateway.url, 'GET', '/api/v1/roles', { headers: { 'x-api-token': token } });
    expect((await use()).status).toBe(200);
    // A forged secret with the same id is refused, cached or not.
    const forged = `${token.slice(0, -4)}AAAA`;
    expect((await call(gateway.url, 'GET', '/api/v1/roles', { headers: { 'x-api-token': forged } })).status).toBe(401);
    // A plain user may not make a token for someone else.
    expect((await api(userA, 'POST', '/tokens', { userId: adminA.principal.userId, name: 'x' })).status).toBe(403);

    expect(await api(userA, 'DELETE', `/tokens/${id}`)).toEqual({ status: 200, body: { id, deleted: true } });
    expect((await use()).status).toBe(401);
    expect((await api(userA, 'DELETE', `/tokens/${id}`)).status).toBe(404);
  });

  it('limits each API token per minute: 50 by default, or its own limit', async () => {
    const custom = await api(adminA, 'POST', '/tokens', { userId: userA.principal.userId, name: 'slow client', rateLimitPerMinute: 3 });
    const slow = (custom.body as { token: string }).token;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await call(gateway.url, 'GET', '/api/v1/roles', { headers: { 'x-api-token': slow } })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const plain = ((await api(userA, 'POST', '/tokens', { userId: userA.principal.userId, name: 'default' })).body as { token: string }).token;
    let lastOk = 0;
    for (let i = 1; i <= 51; i += 1) {
      const status = (await call(gateway.url, 'GET', '/api/v1/roles', { headers: { 'x-api-token': plain } })).status;
      if (status === 200) lastOk = i;
      else expect(status).toBe(429);
    }
    expect(lastOk).toBe(50);
    // Only admins choose a limit.
    expect((await api(userA, 'POST', '/tokens', { userId: userA.principal.userId, name: 'x', rateLimitPerMinute: 1000 })).status).toBe(403);
  });

  it('counts an API token once across all its routes, not once per route', async () => {
    const created = await api(adminA, 'POST', '/tokens', { userId: userA.principal.userId, name: 'four routes', rateLimitPerMinute: 4 });
    const token = (created.body as { token: string }).token;
    const paths = ['/roles', '/teams', '/tokens', `/user/id/${userA.principal.userId}`, '/roles', '/teams'];
    const statuses: number[] = [];
    for (const path of paths) statuses.push((await call(gateway.url, 'GET', `/api/v1${path}`, { headers: { 'x-api-token': token } })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('says a missing required field is missing, in the documents and rest-auth families alike', async () => {
    const team = await api(adminA, 'POST', '/teams', {});
    expect(team).toEqual({ status: 400, body: expect.objectContaining({ message: 'name: name is required' }) });
    const login = await call(gateway.url, 'POST', '/rest/ng/sessions', { body: { password: 'x' }, headers: { 'x-accountcode': 'A' } });
    expect(login.status).toBe(400);
    expect(JSON.stringify(login.body)).toContain('loginName is required');
    expect(JSON.stringify(login.body)).not.toContain('shorter');
  });

  it('takes dates as epoch ms or ISO-8601 with an offset, answers UTC, and refuses a date without an offset', async () => {
    const base = { userId: userA.principal.userId, name: 'dated' };
    const withOffset = await api(userA, 'POST', '/tokens', { ...base, expiresAt: '2030-01-01T00:00:00+02:00' });
    expect(withOffset).toMatchObject({ status: 201, body: { expiresAt: '2029-12-31T22:00:00.000Z' } });
    const epoch = await api(userA, 'POST', '/tokens', { ...base, expiresAt: 1893456000000 });
    expect(epoch).toMatchObject({ status: 201, body: { expiresAt: '2030-01-01T00:00:00.000Z' } });
    const naive = await api(userA, 'POST', '/tokens', { ...base, expiresAt: '2030-01-01T00:00:00' });
    expect(naive.status).toBe(400);
    expect(naive.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: { expiresAt: [expect.stringContaining('with an offset')] } } });
    expect((await api(userA, 'GET', '/users?createdAfter=2020-01-01')).status).toBe(400);
    const later = await api(userA, 'GET', `/users?createdAfter=${encodeURIComponent('2999-01-01T00:00:00Z')}`);
    expect(later).toMatchObject({ status: 200, body: { items: [], total: 0 } });
  });

  it('adds users (one or many), pages through them and finds them by id and email', async () => {
    const one = await api(adminA, 'POST', '/users', { email: 'fay@example.test', firstName: 'Fay', lastName: 'One' });
    expect(one).toEqual({ status: 201, body: [expect.objectContaining({ email: 'fay@example.test', loginName: 'fay@example.test', roles: ['user'] })] });
    const many = await api(adminA, 'POST', '/users', [
      { email: 'gus@example.test', firstName: 'Gus', lastName: 'Two' },
      { email: 'hal@example.test', firstName: 'Hal', lastName: 'Three', roles: ['admin'] },
    ]);
    expect(many.status).toBe(201);
    expect((await api(adminA, 'POST', '/users', { email: 'FAY@example.test', firstName: 'F', lastName: 'Dup' })).status).toBe(409);
    expect((await api(adminA, 'POST', '/users', [{ email: 'ivy@example.test', firstName: 'Ivy', lastName: 'X', roles: ['wizard'] }])).status).toBe(400);
    expect((await api(adminA, 'POST', '/users', [{ email: 'not-an-email', firstName: 'J', lastName: 'K' }])).status).toBe(400);
    expect((await api(userA, 'POST', '/users', { email: 'kim@example.test', firstName: 'Kim', lastName: 'L' })).status).toBe(403);

    const page1 = (await api(userA, 'GET', '/users?page=1&pageSize=2')).body as { items: Array<{ email: string }>; total: number; page: number };
    const page3 = (await api(userA, 'GET', '/users?page=3&pageSize=2')).body as { items: Array<{ email: string }> };
    expect(page1).toMatchObject({ page: 1, pageSize: 2, total: 5 });
    expect(page1.items).toHaveLength(2);
    expect(page3.items).toHaveLength(1);
    const fay = await api(userA, 'GET', '/user/byemail?email=fay%40example.test');
    expect(fay).toMatchObject({ status: 200, body: { firstName: 'Fay' } });
    expect((await api(userA, 'GET', '/user/byemail?email=nobody%40example.test')).status).toBe(404);
  });

  it('manages team membership by email', async () => {
    const team = await api(adminA, 'POST', '/teams', { name: 'Reviewers' });
    expect(team).toEqual({ status: 201, body: { id: expect.any(String), name: 'Reviewers', memberCount: 0 } });
    const teamId = (team.body as { id: string }).id;
    const email = encodeURIComponent(userA.principal.email!);
    expect((await api(userA, 'PUT', `/teams/${teamId}/users/${email}`)).status).toBe(403);
    const added = await api(adminA, 'PUT', `/teams/${teamId}/users/${email}`);
    expect(added).toEqual({ status: 200, body: [expect.objectContaining({ id: userA.principal.userId })] });
    expect((await api(adminA, 'PUT', `/teams/${teamId}/users/${email}`)).body).toHaveLength(1);
    expect((await api(userA, 'GET', '/teams')).body).toEqual([{ id: teamId, name: 'Reviewers', memberCount: 1 }]);
    expect((await api(userA, 'GET', `/teams/${teamId}/users`)).body).toHaveLength(1);
    expect(await api(adminA, 'DELETE', `/teams/${teamId}/users/${email}`)).toEqual({ status: 200, body: [] });
    expect((await api(adminA, 'DELETE', `/teams/${teamId}/users/${email}`)).status).toBe(404);
    expect((await api(userA, 'GET', '/roles')).body).toEqual([
      { name: 'admin', description: expect.any(String) },
      { name: 'report_editor', description: "May take over another user's Word edit session" },
      { name: 'user', description: expect.any(String) },
    ]);
  });

  it("never lets account B read or change account A's users, teams or tokens", async () => {
    const team = await api(adminA, 'POST', '/teams', { name: 'A only' });
    const teamId = (team.body as { id: string }).id;
    const tokenA = (await api(adminA, 'POST', '/tokens', { userId: adminA.principal.userId, name: 'A token' })).body as { id: string; token: string };
    const a = adminA.principal;
    const b = adminB.principal;
    const attempts = await Promise.all([
      api(adminB, 'GET', `/user/id/${a.userId}`),
      api(adminB, 'GET', `/user/byemail?email=${encodeURIComponent(a.email!)}`),
      api(adminB, 'GET', `/teams/${teamId}/users`),
      api(adminB, 'PUT', `/teams/${teamId}/users/${encodeURIComponent(b.email!)}`),
      api(adminB, 'DELETE', `/teams/${teamId}/users/${encodeURIComponent(a.email!)}`),
      api(adminB, 'DELETE', `/tokens/${tokenA.id}`),
      api(adminB, 'POST', '/tokens', { userId: a.userId, name: 'steal' }),
      call(gateway.url, 'PUT', `/rest/ng/users/${a.userId}/status`, { headers: { 'x-os-api-token': adminB.token }, body: { status: 'disabled' } }),
    ]);
    expect(attempts.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404, 404, 404]);
    const listedUsers = (await api(adminB, 'GET', '/users')).body as { items: Array<{ id: string }> };
    expect(listedUsers.items.map((u) => u.id)).toEqual([b.userId]);
    const listedTokens = (await api(adminB, 'GET', '/tokens')).body as Array<{ userId: string }>;
    expect(listedTokens.every((t) => t.userId === b.userId)).toBe(true);
    expect((await api(adminB, 'GET', '/teams')).body).toEqual([]);
    // A's token says who it is; it cannot be presented as another account.
    const asB = await call(gateway.url, 'GET', '/api_v3/files/_ping', { headers: { 'x-apitoken': tokenA.token, 'x-accountcode': 'B' } });
    expect(asB.status).toBe(401);
    // A still has everything.
    expect((await api(adminA, 'GET', `/user/id/${a.userId}`)).status).toBe(200);
  });
});
