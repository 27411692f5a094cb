import { randomUUID } from 'node:crypto';
import { hashSecret } from '@quire/auth';
import { IdentityEvents, Principal, ServiceSchemas } from '@quire/contracts';
import { ErrorCode } from '@quire/errors';
import { AccountScope } from '@quire/platform';
import { createMediumContext, MediumContext, mediumOutbox, outboxPayloads, TEST_JWT_SECRET } from '@quire/testing';
import { AccountsRepository } from '../src/accounts/accounts.repository';
import { ApiTokensService } from '../src/api-tokens/api-tokens.service';
import { RevokeApiTokenUseCase } from '../src/api-tokens/revoke-api-token.use-case';
import { TeamsRepository } from '../src/directory/teams.repository';
import { identityEntities } from '../src/entities';
import { IdentityEnv } from '../src/identity.env';
import { migrations } from '../src/migrations';
import { identityRepositories } from '../src/repositories';
import { LoginLockout } from '../src/sessions/login-lockout';
import { LoginSessionsRepository } from '../src/sessions/login-sessions.repository';
import { SessionRevocations } from '../src/sessions/session-revocations';
import { CreateUsersUseCase } from '../src/users/create-users.use-case';
import { PasswordResetsRepository } from '../src/users/password-resets.repository';
import { ResetPasswordUseCase } from '../src/users/reset-password.use-case';
import { SetUserRoleUseCase } from '../src/users/set-user-role.use-case';
import { SetUserStatusUseCase } from '../src/users/set-user-status.use-case';
import { UsersRepository } from '../src/users/users.repository';

const SCHEMA = ServiceSchemas['identity'];

describe('identity use cases (medium)', () => {
  let context: MediumContext;
  const env = Object.assign(new IdentityEnv(), { JWT_SECRET: TEST_JWT_SECRET, IDENTITY_LOCKOUT_MAX_FAILURES: 3 });

  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: SCHEMA, entities: identityEntities, migrations },
      env,
      envClass: IdentityEnv,
      providers: [
        mediumOutbox(SCHEMA),
        ...identityRepositories,
        LoginLockout,
        SessionRevocations,
        CreateUsersUseCase,
        SetUserStatusUseCase,
        SetUserRoleUseCase,
        ResetPasswordUseCase,
        RevokeApiTokenUseCase,
        ApiTokensService,
      ],
    });
  });
  afterAll(() => context?.close());

  /** A fresh account with an admin principal (a real user row). */
  async function account(): Promise<{ scope: AccountScope; admin: Principal }> {
    const code = `acc-${randomUUID().slice(0, 8)}`;
    const scope = await context.get(AccountsRepository).provision(code, code);
    const domain = (await context.get(AccountsRepository).domain(scope))!;
    const id = await context
      .get(UsersRepository)
      .insert(scope, { domainId: domain.id, loginName: `admin-${code}`, email: `admin@${code}.test`, firstName: 'A', lastName: 'Dmin', status: 'active', passwordHash: null }, ['admin', 'user']);
    return { scope, admin: { accountId: scope.accountId, userId: id, roles: ['admin', 'user'], scopes: [] } };
  }

  const body = (name: string) => ({ email: `${name}@x.test`, loginName: name, firstName: 'F', lastName: 'L' });
  const events = (subject: string) => outboxPayloads<Record<string, string>>(context.dataSource, SCHEMA, subject);

  it('adds users all or none: a duplicate or an unknown role leaves nobody behind', async () => {
    const { admin } = await account();
    const create = context.get(CreateUsersUseCase);
    const [first] = await create.execute({ principal: admin, users: [body('ann')] });
    await expect(create.execute({ principal: admin, users: [body('bob'), body('ann')] })).rejects.toMatchObject({ code: ErrorCode.Conflict });
    await expect(create.execute({ principal: admin, users: [{ ...body('cy'), roles: ['nope'] }] })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    await expect(create.execute({ principal: { ...admin, roles: ['user'] }, users: [body('dee')] })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    const users = context.get(UsersRepository);
    expect(await users.byId(admin, first!)).toMatchObject({ loginName: 'ann', roles: ['user'], status: 'active' });
    expect(await users.byLoginName(admin, 'bob')).toBeNull();
    expect(await users.byLoginName(admin, 'cy')).toBeNull();
  });

  it('disabling a user revokes each live session with an event and announces user_disabled; enabling clears lockouts', async () => {
    const { admin } = await account();
    const [userId] = await context.get(CreateUsersUseCase).execute({ principal: admin, users: [body('eve')] });
    const sessions = context.get(LoginSessionsRepository);
    const s1 = await sessions.open(admin, userId!, 3600);
    const s2 = await sessions.open(admin, userId!, 3600);
    const setStatus = context.get(SetUserStatusUseCase);
    await expect(setStatus.execute({ principal: admin, request: { userId: admin.userId, status: 'disabled' } })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    await expect(setStatus.execute({ principal: { ...admin, accountId: (await account()).scope.accountId }, request: { userId: userId!, status: 'disabled' } })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    await setStatus.execute({ principal: admin, request: { userId: userId!, status: 'disabled' } });
    expect(await sessions.accountOfLive(s1, userId!)).toBeUndefined();
    expect((await events(IdentityEvents.sessionRevoked)).filter((e) => e.userId === userId).map((e) => e.sessionId).sort()).toEqual([s1, s2].sort());
    expect((await events(IdentityEvents.userDisabled)).filter((e) => e.userId === userId)).toEqual([{ accountId: admin.accountId, userId, status: 'disabled' }]);

    const lockout = context.get(LoginLockout);
    for (let i = 0; i < 3; i++) await lockout.recordFailure(admin, userId!, '10.0.0.1');
    expect(await lockout.isLocked(admin, userId!, '10.0.0.1')).toBe(true);
    expect(await lockout.isLocked(admin, userId!, '10.0.0.2')).toBe(false);
    await setStatus.execute({ principal: admin, request: { userId: userId!, status: 'active' } });
    expect(await lockout.isLocked(admin, userId!, '10.0.0.1')).toBe(false);
  });

  it('resets a password once per token, only in the account that issued it, and revokes the sessions', async () => {
    const { admin, scope } = await account();
    const [userId] = await context.get(CreateUsersUseCase).execute({ principal: admin, users: [body('fay')] });
    await context.get(PasswordResetsRepository).issue(scope, userId!, 'hash-of-token', 600);
    const session = await context.get(LoginSessionsRepository).open(scope, userId!, 3600);
    const reset = context.get(ResetPasswordUseCase);
    const request = { loginName: 'fay', resetPasswordToken: 'token', password: 'irrelevant here' };
    // The use case compares sha256 of the presented token with the stored hash.
    await context.dataSource.query(`UPDATE "${SCHEMA}"."password_reset_tokens" SET token_hash = $1 WHERE user_id = $2`, [hashSecret('token'), userId]);
    await expect(reset.execute({ scope: (await account()).scope, request, passwordHash: 'h2' })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    await reset.execute({ scope, request, passwordHash: 'h2' });
    expect((await context.get(UsersRepository).byId(scope, userId!))?.passwordHash).toBe('h2');
    expect(await context.get(LoginSessionsRepository).accountOfLive(session, userId!)).toBeUndefined();
    await expect(reset.execute({ scope, request, passwordHash: 'h3' })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
  });

  it('lets a user revoke only their own API token, an admin any of the account, and no one another account’s', async () => {
    const { admin } = await account();
    const [userId] = await context.get(CreateUsersUseCase).execute({ principal: admin, users: [body('gus')] });
    const user: Principal = { accountId: admin.accountId, userId: userId!, roles: ['user'], scopes: [] };
    const tokens = context.get(ApiTokensService);
    const adminToken = await tokens.create(admin, { userId: admin.userId, name: 'a' } as never);
    const userToken = await tokens.create(user, { userId: user.userId, name: 'u' } as never);
    await expect(tokens.revoke(user, adminToken.id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    const other = (await account()).admin;
    await expect(tokens.revoke(other, userToken.id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await tokens.revoke(admin, userToken.id);
    expect((await events(IdentityEvents.tokenRevoked)).filter((e) => e.tokenId === userToken.id)).toEqual([{ accountId: admin.accountId, userId: user.userId, tokenId: userToken.id }]);
    await expect(tokens.resolve({ token: userToken.token })).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
    await expect(tokens.resolve({ token: adminToken.token })).resolves.toMatchObject({ userId: admin.userId, accountId: admin.accountId });
  });

  it("answers an API token's expiry with its principal, so that no cache keeps it longer", async () => {
    const { admin } = await account();
    const tokens = context.get(ApiTokensService);
    const expiresAt = new Date(Date.now() + 3_600_000);
    const expiring = await tokens.create(admin, { userId: admin.userId, name: 'e', expiresAt } as never);
    const forever = await tokens.create(admin, { userId: admin.userId, name: 'f' } as never);
    expect((await tokens.resolve({ token: expiring.token })).credentialExpiresAtMs).toBe(expiresAt.getTime());
    expect((await tokens.resolve({ token: forever.token })).credentialExpiresAtMs).toBeUndefined();
  });

  it('lets an admin give and take report_editor (every account has it), announcing each change once', async () => {
    const { admin } = await account();
    const [userId] = await context.get(CreateUsersUseCase).execute({ principal: admin, users: [body(`ed-${randomUUID().slice(0, 6)}`)] });
    const user: Principal = { accountId: admin.accountId, userId: userId!, roles: ['user'], scopes: [] };
    const setRole = context.get(SetUserRoleUseCase);
    const request = { userId: userId!, role: 'report_editor' };
    const changes = async () => (await events(IdentityEvents.userChanged)).filter((e) => e.userId === userId);

    expect((await setRole.execute({ principal: admin, request, grant: true })).roles).toEqual(['report_editor', 'user']);
    expect((await setRole.execute({ principal: admin, request, grant: true })).roles).toEqual(['report_editor', 'user']);
    expect(await changes()).toEqual([{ accountId: admin.accountId, userId, roles: ['report_editor', 'user'] }]);

    await expect(setRole.execute({ principal: user, request, grant: true })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await expect(setRole.execute({ principal: (await account()).admin, request, grant: true })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(setRole.execute({ principal: admin, request: { ...request, role: 'wizard' }, grant: true })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(setRole.execute({ principal: admin, request: { userId: admin.userId, role: 'admin' }, grant: false })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });

    expect((await setRole.execute({ principal: admin, request, grant: false })).roles).toEqual(['user']);
    expect((await setRole.execute({ principal: admin, request, grant: false })).roles).toEqual(['user']);
    expect(await changes()).toHaveLength(2);
  });

  it('never adds a user of another account to a team', async () => {
    const a = await account();
    const b = await account();
    const teams = context.get(TeamsRepository);
    const team = await teams.create(a.scope, 'Lab');
    await teams.addMember(a.scope, team, b.admin.userId);
    await teams.addMember(b.scope, team, b.admin.userId);
    expect(await teams.memberIds(a.scope, team)).toEqual([]);
    await teams.addMember(a.scope, team, a.admin.userId);
    await teams.addMember(a.scope, team, a.admin.userId);
    expect(await teams.memberIds(a.scope, team)).toEqual([a.admin.userId]);
    expect(await teams.removeMember(b.scope, team, a.admin.userId)).toBe(false);
  });
});
