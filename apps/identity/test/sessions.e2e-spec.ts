import { decode, sign } from 'jsonwebtoken';
import { E2eStack, RunningApp, signInAs, waitFor } from '@quire/testing';
import { call, MailCatcher, sql } from './support';

const ADMIN_PASSWORD = 'Bootstrap-Pass-2024';
const INVALID = [{ code: 'UNAUTHENTICATED', message: 'Invalid login name or password' }];

/**
 * Logins, logout and account states through real processes: two identity replicas (the
 * bootstrap race), two gateways (revocation reaches every replica), Postgres and NATS.
 */
describe('identity: sessions', () => {
  const e2e = new E2eStack();
  let env: Record<string, string>;
  let gateway: RunningApp;
  let otherGateway: RunningApp;
  let mail: MailCatcher;
  const stack = () => ({ gatewayUrl: gateway.url, env });
  const login = (body: Record<string, unknown>, accountCode = 'boot', from?: string) =>
    call(gateway.url, 'POST', '/rest/ng/sessions', { body, headers: { 'x-accountcode': accountCode, ...(from ? { 'x-forwarded-for': from } : {}) } });

  beforeAll(async () => {
    env = await e2e.open('identity_sessions', {
      IDENTITY_BOOTSTRAP_ACCOUNT_CODE: 'boot',
      IDENTITY_BOOTSTRAP_ADMIN_LOGIN: 'admin',
      IDENTITY_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      IDENTITY_LOCKOUT_MAX_FAILURES: '3',
      // The lockout counts per address: X-Forwarded-For (one trusted hop) plays other clients.
      TRUST_PROXY_HOPS: '1',
    });
    // Two replicas start together: one account, one admin.
    await e2e.start('identity', 'identity', 'file', 'edit-session');
    [gateway, otherGateway] = await e2e.start('gateway', 'gateway');
    mail = await MailCatcher.start(env.NATS_URL, `${env.NATS_SUBJECT_PREFIX}evt.identity.mail_requested`);
  });

  afterAll(async () => {
    await mail?.stop();
    await e2e.close();
  });

  it('bootstraps one account and one admin, even with two replicas starting at once', async () => {
    const rows = await sql(e2e.databaseUrl, `SELECT a."code", u."login_name" FROM "identity"."users" u JOIN "identity"."accounts" a ON a."id" = u."account_id"`);
    expect(rows).toEqual([{ code: 'boot', login_name: 'admin' }]);
  });

  it('done criteria: the bootstrap admin logs in, creates an API token, and uses both on the other families', async () => {
    const session = await call(gateway.url, 'POST', '/rest/ng/sessions', { body: { loginName: 'admin', password: ADMIN_PASSWORD } });
    expect(session.status).toBe(200);
    const user = session.body as { id: string; token: string; loginName: string; admin: boolean; domainName: string; accountCode: string };
    expect(user).toMatchObject({ loginName: 'admin', admin: true, domainName: 'openspecimen', accountCode: 'boot' });

    const created = await call(gateway.url, 'POST', '/api/v1/tokens', {
      headers: { 'x-api-token': user.token },
      body: { userId: user.id, name: 'curl' },
    });
    expect(created.status).toBe(201);
    const apiToken = (created.body as { token: string }).token;
    expect(apiToken).toMatch(/^qk_/);

    const files = await call(gateway.url, 'GET', '/api_v3/files/_ping', { headers: { 'x-apitoken': apiToken, 'x-accountcode': 'boot' } });
    expect(files).toEqual({ status: 200, body: { data: expect.objectContaining({ service: 'file' }) } });
    const edit = await call(gateway.url, 'GET', '/api-v3/report/external-edit/_ping', { headers: { authorization: `Bearer ${user.token}` } });
    expect(edit).toEqual({ status: 200, body: expect.objectContaining({ service: 'edit-session' }) });
    // The token belongs to its account: another X-AccountCode is refused.
    const foreign = await call(gateway.url, 'GET', '/api_v3/files/_ping', { headers: { 'x-apitoken': apiToken, 'x-accountcode': 'other' } });
    expect(foreign.status).toBe(401);
  });

  it('logout refuses the token at once, on every gateway', async () => {
    const alice = await signInAs(stack(), { account: 'A' });
    const headers = { 'x-os-api-token': alice.token };
    // Both gateways have it cached now.
    expect((await call(gateway.url, 'GET', '/rest/ng/_ping', { headers })).status).toBe(200);
    expect((await call(otherGateway.url, 'GET', '/rest/ng/_ping', { headers })).status).toBe(200);

    expect(await call(gateway.url, 'DELETE', '/rest/ng/sessions', { headers })).toEqual({ status: 200, body: { status: 'success' } });
    expect((await call(gateway.url, 'GET', '/rest/ng/_ping', { headers })).status).toBe(401);
    await waitFor(async () => (await call(otherGateway.url, 'GET', '/rest/ng/_ping', { headers })).status === 401, {
      timeoutMs: 5000,
      description: 'the other gateway to refuse the revoked token',
    });
    // Its API token is a different credential and still works.
    expect((await call(otherGateway.url, 'GET', '/api/v1/roles', { headers: { 'x-api-token': alice.apiToken } })).status).toBe(200);
  });

  it('refuses an API token from its expiresAt on, even while its principal is cached', async () => {
    const alice = await signInAs(stack(), { account: 'A' });
    const expiresAt = Date.now() + 2_000;
    const created = await call(gateway.url, 'POST', '/api/v1/tokens', { headers: { 'x-api-token': alice.token }, body: { userId: alice.principal.userId, name: 'short', expiresAt } });
    expect(created.status).toBe(201);
    const headers = { 'x-api-token': (created.body as { token: string }).token };
    // Resolved and cached (AUTH_CACHE_TTL_SECONDS is 30) before it expires...
    expect((await call(gateway.url, 'GET', '/api/v1/roles', { headers })).status).toBe(200);
    await waitFor(() => Date.now() > expiresAt, { timeoutMs: 5_000, description: 'the token to expire' });
    // ...and refused at once after, not 30 s later.
    expect((await call(gateway.url, 'GET', '/api/v1/roles', { headers })).status).toBe(401);
  });

  it('refuses a login token without exp, even signed with the right secret for a live session', async () => {
    const alice = await signInAs(stack(), { account: 'A' });
    const claims = decode(alice.token) as Record<string, unknown>;
    const { exp: _exp, iat: _iat, ...rest } = claims;
    const noExp = sign(rest, env.JWT_SECRET!, { algorithm: 'HS256' });
    const withExp = sign(rest, env.JWT_SECRET!, { algorithm: 'HS256', expiresIn: 60 });
    expect((await call(gateway.url, 'GET', '/rest/ng/_ping', { headers: { 'x-os-api-token': withExp } })).status).toBe(200);
    expect(await call(gateway.url, 'GET', '/rest/ng/_ping', { headers: { 'x-os-api-token': noExp } })).toEqual({
      status: 401,
      body: [{ code: 'UNAUTHENTICATED', message: 'Invalid or expired token' }],
    });
  });

  it('disabling a user ends their login and API tokens on every gateway; enabling brings the API token back', async () => {
    const admin = await signInAs(stack(), { account: 'D', roles: ['admin'] });
    const frank = await signInAs(stack(), { account: 'D' });
    const credentials = [{ 'x-os-api-token': frank.token }, { 'x-os-api-token': frank.apiToken }];
    for (const url of [gateway.url, otherGateway.url]) {
      for (const headers of credentials) expect((await call(url, 'GET', '/rest/ng/_ping', { headers })).status).toBe(200);
    }
    const setStatus = (status: string) =>
      call(gateway.url, 'PUT', `/rest/ng/users/${frank.principal.userId}/status`, { headers: { 'x-os-api-token': admin.token }, body: { status } });
    expect(await setStatus('disabled')).toEqual({ status: 200, body: { id: frank.principal.userId, status: 'disabled' } });
    for (const url of [gateway.url, otherGateway.url]) {
      await waitFor(
        async () => {
          const statuses = await Promise.all(credentials.map(async (headers) => (await call(url, 'GET', '/rest/ng/_ping', { headers })).status));
          return statuses.every((status) => status === 401);
        },
        { timeoutMs: 5000, description: `${url} to refuse the disabled user` },
      );
    }
    expect((await setStatus('active')).status).toBe(200);
    expect((await call(otherGateway.url, 'GET', '/rest/ng/_ping', { headers: credentials[1] })).status).toBe(200);
    // The login session was revoked for good; a new login works.
    expect((await call(otherGateway.url, 'GET', '/rest/ng/_ping', { headers: credentials[0] })).status).toBe(401);
    expect((await login({ loginName: frank.principal.loginName, password: frank.password }, 'D')).status).toBe(200);
    // Admins cannot lock themselves out.
    const self = await call(gateway.url, 'PUT', `/rest/ng/users/${admin.principal.userId}/status`, { headers: { 'x-os-api-token': admin.token }, body: { status: 'disabled' } });
    expect(self.status).toBe(400);
  });

  it('answers every failed login with the same body, whatever the state of the user', async () => {
    const states = ['pending', 'locked', 'disabled'] as const;
    const users = await Promise.all(states.map(() => signInAs(stack(), { account: 'states' })));
    for (const [i, state] of states.entries()) {
      await sql(e2e.databaseUrl, `UPDATE "identity"."users" SET "status" = $1 WHERE "id" = $2`, [state, users[i]!.principal.userId]);
    }
    const active = await signInAs(stack(), { account: 'states' });
    const answers = [
      await login({ loginName: 'nobody-here', password: 'Whatever-123' }, 'states'),
      await login({ loginName: active.principal.loginName, password: 'Wrong-password-1' }, 'states'),
      await login({ loginName: 'x', password: 'y' }, 'no-such-account'),
      ...(await Promise.all(users.map((u) => login({ loginName: u.principal.loginName, password: u.password }, 'states')))),
    ];
    expect(answers).toEqual(Array(6).fill({ status: 401, body: INVALID }));
    // The disabled user's earlier login token died with the status change.
    expect((await call(gateway.url, 'GET', '/rest/ng/_ping', { headers: { 'x-os-api-token': users[2]!.token } })).status).toBe(401);
    // An unknown domain is a client mistake, not a failed login.
    const domain = await login({ loginName: active.principal.loginName, password: active.password, domainName: 'ldap-x' }, 'states');
    expect(domain.status).toBe(400);
  });

  it('costs about the same time for an unknown user as for a wrong password (scrypt always runs)', async () => {
    const bob = await signInAs(stack(), { account: 'timing' });
    const time = async (loginName: string) => {
      const started = process.hrtime.bigint();
      await login({ loginName, password: 'Wrong-password-1' }, 'timing');
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      unknown.push(await time(`ghost-${i}`));
      wrong.push(await time(bob.principal.loginName!));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.3);
  });

  it('locks after repeated failures; a password reset clears it; the reset token is single-use', async () => {
    const carol = await signInAs(stack(), { account: 'lock' });
    const name = carol.principal.loginName!;
    for (let i = 0; i < 3; i += 1) expect((await login({ loginName: name, password: 'Wrong-password-1' }, 'lock')).status).toBe(401);
    // Locked: the right password is refused too, with the same answer...
    expect(await login({ loginName: name, password: carol.password }, 'lock')).toEqual({ status: 401, body: INVALID });
    // ...but only from the address that failed: the attacker cannot lock carol out from hers.
    expect((await login({ loginName: name, password: carol.password }, 'lock', '203.0.113.7')).status).toBe(200);
    expect((await login({ loginName: name, password: carol.password }, 'lock')).status).toBe(401);

    const before = mail.mails.length;
    const forgot = await call(gateway.url, 'POST', '/rest/ng/users/forgot-password', { body: { loginName: name }, headers: { 'x-accountcode': 'lock' } });
    const unknown = await call(gateway.url, 'POST', '/rest/ng/users/forgot-password', { body: { loginName: 'ghost' }, headers: { 'x-accountcode': 'lock' } });
    expect(forgot).toEqual({ status: 200, body: expect.objectContaining({ status: 'success' }) });
    expect(unknown).toEqual(forgot);
    const resetToken = await mail.resetTokenFor(name, before);
    const stored = await sql<{ token_hash: string }>(e2e.databaseUrl, `SELECT "token_hash" FROM "identity"."password_reset_tokens"`);
    expect(stored.map((r) => r.token_hash)).not.toContain(resetToken);

    const reset = (token: string, password: string) =>
      call(gateway.url, 'POST', '/rest/ng/users/reset-password', { body: { loginName: name, resetPasswordToken: token, password }, headers: { 'x-accountcode': 'lock' } });
    expect((await reset(resetToken, 'short')).status).toBe(400); // policy
    expect((await reset(resetToken, 'New-password-42')).status).toBe(200);
    expect((await login({ loginName: name, password: 'New-password-42' }, 'lock')).status).toBe(200);
    expect((await reset(resetToken, 'Another-password-43')).status).toBe(400); // used up
    // The old login session ended with the reset.
    expect((await call(gateway.url, 'GET', '/rest/ng/_ping', { headers: { 'x-os-api-token': carol.token } })).status).toBe(401);
  });

  it('refuses an expired reset token', async () => {
    const dave = await signInAs(stack(), { account: 'lock' });
    const before = mail.mails.length;
    await call(gateway.url, 'POST', '/rest/ng/users/forgot-password', { body: { loginName: dave.principal.loginName }, headers: { 'x-accountcode': 'lock' } });
    const token = await mail.resetTokenFor(dave.principal.loginName!, before);
    await sql(e2e.databaseUrl, `UPDATE "identity"."password_reset_tokens" SET "expires_at" = now() - interval '1 second' WHERE "user_id" = $1`, [dave.principal.userId]);
    const reset = await call(gateway.url, 'POST', '/rest/ng/users/reset-password', {
      body: { loginName: dave.principal.loginName, resetPasswordToken: token, password: 'New-password-42' },
      headers: { 'x-accountcode': 'lock' },
    });
    expect(reset).toEqual({ status: 400, body: [{ code: 'VALIDATION_FAILED', message: 'Invalid or expired reset token' }] });
  });

  it('sign-up gives a pending user who can log in once an admin approves', async () => {
    const admin = await signInAs(stack(), { account: 'signup', roles: ['admin'] });
    const plain = await signInAs(stack(), { account: 'signup' });
    const body = { loginName: 'erin', emailAddress: 'erin@example.test', firstName: 'Erin', lastName: 'Doe', password: 'Erin-password-1' };
    const signUp = await call(gateway.url, 'POST', '/rest/ng/users/sign-up', { body, headers: { 'x-accountcode': 'signup' } });
    expect(signUp).toEqual({ status: 201, body: { id: expect.any(String), status: 'pending' } });
    const id = (signUp.body as { id: string }).id;
    expect((await call(gateway.url, 'POST', '/rest/ng/users/sign-up', { body, headers: { 'x-accountcode': 'signup' } })).status).toBe(409);
    expect((await login({ loginName: 'erin', password: 'Erin-password-1' }, 'signup')).status).toBe(401);

    const approve = (token: string) =>
      call(gateway.url, 'PUT', `/rest/ng/users/${id}/status`, { headers: { 'x-os-api-token': token }, body: { status: 'active' } });
    expect((await approve(plain.token)).status).toBe(403);
    expect(await approve(admin.token)).toEqual({ status: 200, body: { id, status: 'active' } });
    const erin = await login({ loginName: 'erin', password: 'Erin-password-1' }, 'signup');
    expect(erin).toMatchObject({ status: 200, body: { loginName: 'erin', admin: false, roles: ['user'] } });
  });
});
