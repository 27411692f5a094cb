import { E2eStack, RunningApp, signInAs, TestIdentity, waitFor } from '@quire/testing';
import { call, sql } from './support';

type Summary = { id: string; firstName: string; lastName: string; loginName: string; domain: string; emailAddress: string; admin: boolean; activityStatus: string; creationDate: number };

/**
 * OpenSpecimen's users resource through real processes: identity, two gateways (a changed user's
 * cached principal is dropped on both), Postgres and NATS; two accounts.
 */
describe('identity: rest-auth users resource', () => {
  const e2e = new E2eStack();
  let gateway: RunningApp;
  let otherGateway: RunningApp;
  let adminA: TestIdentity;
  let userA: TestIdentity;
  let peerA: TestIdentity;
  let adminB: TestIdentity;
  const rest = (who: TestIdentity, method: string, path: string, body?: unknown, via: RunningApp = gateway) =>
    call(via.url, method, `/rest/ng${path}`, { headers: { 'x-os-api-token': who.token }, body });

  beforeAll(async () => {
    // A long principal cache: only identity's user_changed event can explain a fresh principal.
    const env = await e2e.open('identity_rest_users', { AUTH_CACHE_TTL_SECONDS: '300' });
    await e2e.start('identity');
    [gateway, otherGateway] = await e2e.start('gateway', 'gateway');
    const stack = { gatewayUrl: gateway.url, env };
    adminA = await signInAs(stack, { account: 'RA', roles: ['admin', 'user'], displayName: 'Ada Admin', loginName: 'ada' });
    userA = await signInAs(stack, { account: 'RA', displayName: 'Una User', loginName: 'una' });
    peerA = await signInAs(stack, { account: 'RA', displayName: 'Pete Peer', loginName: 'pete' });
    adminB = await signInAs(stack, { account: 'RB', roles: ['admin', 'user'], displayName: 'Bob Other', loginName: 'bob' });
  });

  afterAll(() => e2e.close());

  it('answers current-user as UserSummary for a login token and for an API token alike', async () => {
    const viaLogin = await rest(userA, 'GET', '/users/current-user');
    expect(viaLogin).toEqual({
      status: 200,
      body: {
        id: userA.principal.userId,
        firstName: 'Una',
        lastName: 'User',
        loginName: 'una',
        domain: 'openspecimen',
        emailAddress: 'una@example.test',
        admin: false,
        activityStatus: 'Active',
        creationDate: expect.any(Number),
      },
    });
    const viaApiToken = await call(gateway.url, 'GET', '/rest/ng/users/current-user', { headers: { 'x-os-api-token': userA.apiToken } });
    expect(viaApiToken).toEqual(viaLogin);
    expect((await rest(adminA, 'GET', '/users/current-user')).body).toMatchObject({ admin: true, loginName: 'ada' });
    expect(await call(gateway.url, 'GET', '/rest/ng/users/current-user')).toEqual({ status: 401, body: [{ code: 'UNAUTHENTICATED', message: 'Authentication required' }] });
  });

  it('lists the account’s users as a bare array, pages, filters and counts; never another account’s', async () => {
    const listed = await rest(userA, 'GET', '/users');
    expect(listed.status).toBe(200);
    expect((listed.body as Summary[]).map((u) => u.loginName)).toEqual(['ada', 'pete', 'una']);
    expect(await rest(userA, 'GET', '/users/count')).toEqual({ status: 200, body: { count: 3 } });
    expect(((await rest(userA, 'GET', '/users?start=1&maxResults=1')).body as Summary[]).map((u) => u.loginName)).toEqual(['pete']);
    expect(((await rest(userA, 'GET', '/users?searchString=PETE%20P')).body as Summary[]).map((u) => u.loginName)).toEqual(['pete']);
    expect(await rest(userA, 'GET', '/users/count?searchString=nobody')).toEqual({ status: 200, body: { count: 0 } });
    expect(await rest(userA, 'GET', '/users?activityStatus=Disabled')).toEqual({ status: 200, body: [] });
    expect(((await rest(adminB, 'GET', '/users')).body as Summary[]).map((u) => u.loginName)).toEqual(['bob']);
    expect(await rest(adminB, 'GET', '/users/count')).toEqual({ status: 200, body: { count: 1 } });
  });

  it('refuses a negative start, a maxResults over 1000, an unknown status or parameter with 400 [{code, message}]', async () => {
    expect(await rest(userA, 'GET', '/users?start=-1')).toEqual({ status: 400, body: [{ code: 'VALIDATION_FAILED', message: 'start: start must not be less than 0' }] });
    expect(await rest(userA, 'GET', '/users?maxResults=1001')).toEqual({
      status: 400,
      body: [{ code: 'VALIDATION_FAILED', message: 'maxResults: maxResults must not be greater than 1000' }],
    });
    expect((await rest(userA, 'GET', '/users?maxResults=1000')).status).toBe(200);
    expect((await rest(userA, 'GET', '/users?maxResults=abc')).status).toBe(400);
    expect((await rest(userA, 'GET', '/users?activityStatus=Closed')).status).toBe(400);
    expect((await rest(userA, 'GET', '/users?role=admin')).status).toBe(400);
    expect((await rest(userA, 'GET', '/users?includeStats=true&listAll=true')).status).toBe(200);
  });

  it('answers one user as UserDetail; another account’s id or a missing one is 404 USER_NOT_FOUND, a non-UUID 400', async () => {
    const detail = await rest(userA, 'GET', `/users/${peerA.principal.userId}`);
    expect(detail).toEqual({
      status: 200,
      body: {
        id: peerA.principal.userId,
        firstName: 'Pete',
        lastName: 'Peer',
        loginName: 'pete',
        domainName: 'openspecimen',
        emailAddress: 'pete@example.test',
        admin: false,
        activityStatus: 'Active',
        creationDate: expect.any(Number),
      },
    });
    const [row] = await sql<{ created_at: Date }>(e2e.databaseUrl, `SELECT "created_at" FROM "identity"."users" WHERE "id" = $1`, [peerA.principal.userId]);
    expect((detail.body as { creationDate: number }).creationDate).toBe(row!.created_at.getTime());
    const notFound = { status: 404, body: [{ code: 'USER_NOT_FOUND', message: 'User not found' }] };
    expect(await rest(adminB, 'GET', `/users/${peerA.principal.userId}`)).toEqual(notFound);
    expect(await rest(userA, 'GET', '/users/00000000-0000-4000-8000-000000000000')).toEqual(notFound);
    expect(await rest(userA, 'GET', '/users/42')).toEqual({ status: 400, body: [{ code: 'VALIDATION_FAILED', message: 'id must be a UUID' }] });
  });

  it('lets a user update their own profile and nothing more; validates every field', async () => {
    const own = await rest(userA, 'PUT', `/users/${userA.principal.userId}`, { firstName: 'Una', lastName: 'Updated', emailAddress: 'una@example.test' });
    expect(own).toMatchObject({ status: 200, body: { id: userA.principal.userId, lastName: 'Updated', loginName: 'una', admin: false } });
    // What GET answers can be sent back as it is.
    const read = (await rest(userA, 'GET', `/users/${userA.principal.userId}`)).body;
    expect(await rest(userA, 'PUT', `/users/${userA.principal.userId}`, read)).toEqual({ status: 200, body: read });

    const denied = await rest(userA, 'PUT', `/users/${peerA.principal.userId}`, { firstName: 'X', lastName: 'Y', emailAddress: 'pete@example.test' });
    expect(denied).toEqual({ status: 403, body: [{ code: 'RBAC_ACCESS_DENIED', message: 'Only admins update other users' }] });
    const selfAdmin = await rest(userA, 'PUT', `/users/${userA.principal.userId}`, { firstName: 'Una', lastName: 'Updated', emailAddress: 'una@example.test', admin: true });
    expect(selfAdmin).toEqual({ status: 403, body: [{ code: 'RBAC_ADMIN_RIGHTS_REQUIRED', message: 'Only admins grant or remove the admin role' }] });
    const selfStatus = await rest(userA, 'PUT', `/users/${userA.principal.userId}`, { firstName: 'Una', lastName: 'Updated', emailAddress: 'una@example.test', activityStatus: 'Locked' });
    expect(selfStatus.status).toBe(403);
    const rename = await rest(userA, 'PUT', `/users/${userA.principal.userId}`, { firstName: 'Una', lastName: 'Updated', emailAddress: 'una@example.test', loginName: 'una2' });
    expect(rename.status).toBe(403);

    const invalid = [
      { firstName: 'Una', lastName: 'Updated', emailAddress: 'una@example.test', roles: ['admin'] },
      { firstName: 'Una', lastName: 'Updated', emailAddress: 'not-an-email' },
      { lastName: 'Updated', emailAddress: 'una@example.test' },
      { firstName: 'Una', lastName: 'Updated', emailAddress: 'una@example.test', admin: 'yes' },
      { firstName: 'Una', lastName: 'Updated', emailAddress: 'una@example.test', activityStatus: 'active' },
    ];
    for (const body of invalid) {
      const answer = await rest(userA, 'PUT', `/users/${userA.principal.userId}`, body);
      expect(answer).toMatchObject({ status: 400, body: [{ code: 'VALIDATION_FAILED', message: expect.any(String) }] });
    }
    expect((await rest(userA, 'GET', '/users/current-user')).body).toMatchObject({ lastName: 'Updated', admin: false, activityStatus: 'Active', loginName: 'una' });
  });

  it('answers a taken email address with 409 USER_DUP_EMAIL, not a 500', async () => {
    const taken = await rest(userA, 'PUT', `/users/${userA.principal.userId}`, { firstName: 'Una', lastName: 'Updated', emailAddress: 'PETE@example.test' });
    expect(taken).toEqual({ status: 409, body: [{ code: 'USER_DUP_EMAIL', message: 'A user with this email address already exists' }] });
    const takenLogin = await rest(adminA, 'PUT', `/users/${userA.principal.userId}`, { firstName: 'Una', lastName: 'Updated', emailAddress: 'una@example.test', loginName: 'Pete' });
    expect(takenLogin).toMatchObject({ status: 409, body: [{ code: 'USER_DUP_LOGIN_NAME' }] });
  });

  it('lets an admin update the account’s users, and every gateway sees a new admin at once; another account’s admin gets 404', async () => {
    const peerPut = (who: TestIdentity, via: RunningApp) =>
      rest(who, 'PUT', `/users/${peerA.principal.userId}`, { firstName: 'Pete', lastName: 'Peer', emailAddress: 'pete@example.test' }, via);
    // Both gateways have Una's principal cached as a plain user.
    expect((await peerPut(userA, gateway)).status).toBe(403);
    expect((await peerPut(userA, otherGateway)).status).toBe(403);

    const promoted = await rest(adminA, 'PUT', `/users/${userA.principal.userId}`, { firstName: 'Una', lastName: 'Updated', emailAddress: 'una@example.test', admin: true });
    expect(promoted).toMatchObject({ status: 200, body: { admin: true } });
    expect((await peerPut(userA, gateway)).status).toBe(200);
    await waitFor(async () => (await peerPut(userA, otherGateway)).status === 200, { timeoutMs: 10_000, description: 'the other gateway to see the new admin' });

    const demoted = await rest(adminA, 'PUT', `/users/${userA.principal.userId}`, { firstName: 'Una', lastName: 'Updated', emailAddress: 'una@example.test', admin: false });
    expect(demoted).toMatchObject({ status: 200, body: { admin: false } });
    await waitFor(async () => (await peerPut(userA, otherGateway)).status === 403, { timeoutMs: 10_000, description: 'the other gateway to drop the admin role' });

    const locked = await rest(adminA, 'PUT', `/users/${peerA.principal.userId}`, { firstName: 'Pete', lastName: 'Peer', emailAddress: 'pete@example.test', activityStatus: 'Locked' });
    expect(locked).toMatchObject({ status: 200, body: { activityStatus: 'Locked' } });
    await waitFor(async () => (await rest(peerA, 'GET', '/users/current-user', undefined, otherGateway)).status === 401, { description: 'the locked user to be refused' });
    expect(((await rest(adminA, 'GET', '/users?activityStatus=Locked')).body as Summary[]).map((u) => u.loginName)).toEqual(['pete']);

    const foreign = await rest(adminB, 'PUT', `/users/${peerA.principal.userId}`, { firstName: 'Pete', lastName: 'Peer', emailAddress: 'pete@example.test', activityStatus: 'Active' });
    expect(foreign).toEqual({ status: 404, body: [{ code: 'USER_NOT_FOUND', message: 'User not found' }] });
    expect((await rest(adminA, 'GET', `/users/${peerA.principal.userId}`)).body).toMatchObject({ activityStatus: 'Locked' });
  });

  it('documents the users routes in the OpenAPI document', async () => {
    const openapi = (await call(gateway.url, 'GET', '/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(openapi.paths['/rest/ng/users'] ?? {})).toContain('get');
    expect(Object.keys(openapi.paths['/rest/ng/users/count'] ?? {})).toContain('get');
    expect(Object.keys(openapi.paths['/rest/ng/users/current-user'] ?? {})).toContain('get');
    expect(Object.keys(openapi.paths['/rest/ng/users/{id}'] ?? {}).sort()).toEqual(['get', 'put']);
  });
});
