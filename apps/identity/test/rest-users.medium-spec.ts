import { randomUUID } from 'node:crypto';
import { IdentityEvents, Principal, RestUsersListQuery, ServiceSchemas, UpdateRestUserRequest } from '@quire/contracts';
import { ErrorCode } from '@quire/errors';
import { AccountScope } from '@quire/platform';
import { createMediumContext, MediumContext, mediumOutbox, outboxPayloads, TEST_JWT_SECRET } from '@quire/testing';
import { AccountsRepository } from '../src/accounts/accounts.repository';
import { identityEntities } from '../src/entities';
import { IdentityEnv } from '../src/identity.env';
import { migrations } from '../src/migrations';
import { identityRepositories } from '../src/repositories';
import { LoginLockout } from '../src/sessions/login-lockout';
import { LoginSessionsRepository } from '../src/sessions/login-sessions.repository';
import { SessionRevocations } from '../src/sessions/session-revocations';
import { RestUsersService } from '../src/users/rest-users.service';
import { SetUserStatusUseCase } from '../src/users/set-user-status.use-case';
import { UpdateUserUseCase } from '../src/users/update-user.use-case';
import { UsersRepository } from '../src/users/users.repository';

const SCHEMA = ServiceSchemas['identity'];

interface Person {
  first: string;
  last: string;
  login?: string;
  status?: 'pending' | 'active' | 'locked' | 'disabled';
  roles?: string[];
  institute?: string;
}

/** The rest-auth users resource's rules on a real identity schema: scoping, filters, who may change what. */
describe('rest-auth users (medium)', () => {
  let context: MediumContext;
  let service: RestUsersService;
  const env = Object.assign(new IdentityEnv(), { JWT_SECRET: TEST_JWT_SECRET });

  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: SCHEMA, entities: identityEntities, migrations },
      env,
      envClass: IdentityEnv,
      providers: [mediumOutbox(SCHEMA), ...identityRepositories, LoginLockout, SessionRevocations, SetUserStatusUseCase, UpdateUserUseCase, RestUsersService],
    });
    service = context.get(RestUsersService);
  });
  afterAll(() => context?.close());

  /** A fresh account: its code, scope, institutes by name, and a way to add users as principals. */
  async function account(institutes: string[] = []) {
    const code = `acc-${randomUUID().slice(0, 8)}`;
    const scope: AccountScope = await context.get(AccountsRepository).provision(code, code);
    const domain = (await context.get(AccountsRepository).domain(scope))!;
    const instituteIds: Record<string, string> = {};
    for (const name of institutes) {
      const [row] = (await context.dataSource.query(`INSERT INTO "${SCHEMA}"."institutes" ("account_id", "name") VALUES ($1, $2) RETURNING "id"`, [scope.accountId, name])) as Array<{ id: string }>;
      instituteIds[name] = row!.id;
    }
    const add = async (person: Person): Promise<Principal> => {
      const login = person.login ?? `${person.first}.${person.last}`.toLowerCase();
      const roles = person.roles ?? ['user'];
      const userId = await context.get(UsersRepository).insert(
        scope,
        {
          domainId: domain.id,
          loginName: login,
          email: `${login}@${code}.test`,
          firstName: person.first,
          lastName: person.last,
          status: person.status ?? 'active',
          passwordHash: null,
          instituteId: person.institute ? instituteIds[person.institute]! : null,
        },
        roles,
      );
      return { accountId: scope.accountId, userId, roles, scopes: [], email: `${login}@${code}.test`, loginName: login };
    };
    return { code, scope, add };
  }

  const query = (q: Partial<RestUsersListQuery> = {}) => Object.assign(new RestUsersListQuery(), q);
  const names = (users: Array<{ firstName: string; lastName: string }>) => users.map((u) => `${u.firstName} ${u.lastName}`);
  const update = (principal: Principal, target: Principal, body: Partial<UpdateRestUserRequest>, base?: { firstName: string; lastName: string; emailAddress: string }) =>
    service.update(principal, { ...(base ?? { firstName: 'Same', lastName: 'Name', emailAddress: target.email! }), ...body, userId: target.userId } as UpdateRestUserRequest);
  const events = (subject: string) => outboxPayloads<Record<string, string>>(context.dataSource, SCHEMA, subject);

  it('lists only the caller’s account, by first and last name, as OpenSpecimen’s UserSummary', async () => {
    const a = await account(['North Lab']);
    const admin = await a.add({ first: 'Zed', last: 'Admin', roles: ['admin', 'user'] });
    await a.add({ first: 'Ann', last: 'Baker', institute: 'North Lab' });
    await a.add({ first: 'Ann', last: 'Able' });
    const other = await account();
    await other.add({ first: 'Ann', last: 'Other' });

    const listed = await service.search(admin, query());
    expect(names(listed)).toEqual(['Ann Able', 'Ann Baker', 'Zed Admin']);
    const baker = listed[1]!;
    expect(baker).toEqual({
      id: expect.any(String),
      firstName: 'Ann',
      lastName: 'Baker',
      loginName: 'ann.baker',
      domain: 'openspecimen',
      emailAddress: `ann.baker@${a.code}.test`,
      instituteName: 'North Lab',
      admin: false,
      activityStatus: 'Active',
      creationDate: expect.any(Number),
    });
    expect(Math.abs(baker.creationDate - Date.now())).toBeLessThan(60_000);
    expect(listed[0]).not.toHaveProperty('instituteName');
    expect(listed[2]).toMatchObject({ admin: true });
    expect(await service.count(admin, query())).toEqual({ count: 3 });
  });

  it('pages with start / maxResults (defaults 0 / 100) and counts without them', async () => {
    const a = await account();
    const reader = await a.add({ first: 'Reader', last: 'R' });
    for (let i = 0; i < 104; i++) await a.add({ first: `P${String(i).padStart(3, '0')}`, last: 'Page' });
    expect(await service.search(reader, query())).toHaveLength(100);
    const page = await service.search(reader, query({ start: 100, maxResults: 3 }));
    expect(names(page)).toEqual(['P100 Page', 'P101 Page', 'P102 Page']);
    expect(await service.search(reader, query({ start: 500 }))).toEqual([]);
    expect(await service.count(reader, query({ start: 100, maxResults: 3 } as never))).toEqual({ count: 105 });
  });

  it('searches first name, last name, "first last" and email case-insensitively, with LIKE wildcards taken literally', async () => {
    const a = await account();
    const reader = await a.add({ first: 'Reader', last: 'R' });
    await a.add({ first: 'Maria', last: 'Lopez' });
    await a.add({ first: 'Mario', last: 'Rossi', login: 'mr_100' });
    await a.add({ first: 'Percent', last: 'Sign%' });
    const search = async (searchString: string) => names(await service.search(reader, query({ searchString })));
    expect(await search('MARI')).toEqual(['Maria Lopez', 'Mario Rossi']);
    expect(await search('maria lop')).toEqual(['Maria Lopez']);
    expect(await search('mr_100@')).toEqual(['Mario Rossi']);
    expect(await search('%')).toEqual(['Percent Sign%']);
    expect(await search('_')).toEqual(['Mario Rossi']);
    expect(await service.count(reader, query({ searchString: 'mari' }))).toEqual({ count: 2 });
    expect(names(await service.search(reader, query({ loginName: 'MR_1' })))).toEqual(['Mario Rossi']);
    expect(names(await service.search(reader, query({ name: 'rossi' })))).toEqual(['Mario Rossi']);
  });

  it('leaves Disabled users out unless asked: activityStatus is a status (any case) or all', async () => {
    const a = await account();
    const reader = await a.add({ first: 'Reader', last: 'R' });
    await a.add({ first: 'Gone', last: 'G', status: 'disabled' });
    await a.add({ first: 'New', last: 'N', status: 'pending' });
    await a.add({ first: 'Shut', last: 'S', status: 'locked' });
    const statuses = async (activityStatus?: string) => (await service.search(reader, query({ activityStatus }))).map((u) => u.activityStatus).sort();
    expect(await statuses()).toEqual(['Active', 'Locked', 'Pending']);
    expect(await statuses('all')).toEqual(['Active', 'Disabled', 'Locked', 'Pending']);
    expect(await statuses('Disabled')).toEqual(['Disabled']);
    expect(await statuses('pending')).toEqual(['Pending']);
    expect(await service.count(reader, query({ activityStatus: 'ALL' }))).toEqual({ count: 4 });
  });

  it('listAll=false shows a non-admin only their own institute’s users; an admin still sees all', async () => {
    const a = await account(['North', 'South']);
    const north = await a.add({ first: 'Nora', last: 'N', institute: 'North' });
    await a.add({ first: 'Ned', last: 'N', institute: 'North' });
    await a.add({ first: 'Sam', last: 'S', institute: 'South' });
    const admin = await a.add({ first: 'Ada', last: 'A', roles: ['admin'] });
    expect(names(await service.search(north, query({ listAll: false })))).toEqual(['Ned N', 'Nora N']);
    expect(await service.search(north, query({ listAll: true }))).toHaveLength(4);
    expect(await service.search(admin, query({ listAll: false }))).toHaveLength(4);
    expect(names(await service.search(north, query({ institute: 'South' })))).toEqual(['Sam S']);
    expect(await service.count(north, query({ listAll: false }))).toEqual({ count: 2 });
  });

  it('answers one user as UserDetail, the current user as UserSummary, and another account’s id as USER_NOT_FOUND', async () => {
    const a = await account(['Lab']);
    const user = await a.add({ first: 'Una', last: 'U', institute: 'Lab' });
    const other = await (await account()).add({ first: 'Otto', last: 'O' });
    expect(await service.detail(other, other.userId)).toMatchObject({ firstName: 'Otto' });
    expect(await service.detail(user, user.userId)).toEqual({
      id: user.userId,
      firstName: 'Una',
      lastName: 'U',
      loginName: 'una.u',
      domainName: 'openspecimen',
      emailAddress: user.email,
      instituteName: 'Lab',
      admin: false,
      activityStatus: 'Active',
      creationDate: expect.any(Number),
    });
    await expect(service.detail(other, user.userId)).rejects.toMatchObject({ code: ErrorCode.NotFound, details: { restAuthCode: 'USER_NOT_FOUND' } });
    await expect(service.detail(user, randomUUID())).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(await service.current(user)).toMatchObject({ id: user.userId, domain: 'openspecimen', emailAddress: user.email });
    // A credential without any role still knows who it is, but reads no directory.
    const roleless = { ...user, roles: [] };
    expect(await service.current(roleless)).toMatchObject({ id: user.userId });
    await expect(service.search(roleless, query())).rejects.toMatchObject({ code: ErrorCode.Forbidden });
  });

  it('lets a user update their own profile, and send back what they read unchanged', async () => {
    const a = await account(['Lab']);
    const user = await a.add({ first: 'Old', last: 'Name' });
    const read = await service.detail(user, user.userId);
    expect(await service.update(user, { ...read, userId: user.userId } as unknown as UpdateRestUserRequest)).toEqual(read);
    const changed = await update(user, user, { instituteName: 'Lab', deptName: 'Pathology' }, { firstName: 'New', lastName: 'Person', emailAddress: 'New.Person@example.test' });
    expect(changed).toMatchObject({ firstName: 'New', lastName: 'Person', emailAddress: 'New.Person@example.test', instituteName: 'Lab', deptName: 'Pathology', loginName: 'old.name' });
    expect((await events(IdentityEvents.userChanged)).filter((e) => e.userId === user.userId)).toEqual([{ accountId: a.scope.accountId, userId: user.userId }]);
    const cleared = await update(user, user, { instituteName: null, deptName: null }, { firstName: 'New', lastName: 'Person', emailAddress: 'New.Person@example.test' });
    expect(cleared).not.toHaveProperty('instituteName');
    expect(cleared).not.toHaveProperty('deptName');
  });

  it('refuses a non-admin another user, the admin flag, a status and a login name; nothing changes', async () => {
    const a = await account();
    const user = await a.add({ first: 'Una', last: 'U' });
    const peer = await a.add({ first: 'Pete', last: 'P' });
    const base = { firstName: 'Una', lastName: 'U', emailAddress: user.email! };
    await expect(update(user, peer, {}, { firstName: 'X', lastName: 'Y', emailAddress: peer.email! })).rejects.toMatchObject({
      code: ErrorCode.Forbidden,
      details: { restAuthCode: 'RBAC_ACCESS_DENIED' },
    });
    await expect(update(user, user, { admin: true }, base)).rejects.toMatchObject({ code: ErrorCode.Forbidden, details: { restAuthCode: 'RBAC_ADMIN_RIGHTS_REQUIRED' } });
    await expect(update(user, user, { activityStatus: 'Disabled' }, base)).rejects.toMatchObject({ code: ErrorCode.Forbidden, details: { restAuthCode: 'RBAC_ADMIN_RIGHTS_REQUIRED' } });
    await expect(update(user, user, { loginName: 'una.new' }, base)).rejects.toMatchObject({ code: ErrorCode.Forbidden, details: { restAuthCode: 'RBAC_ADMIN_RIGHTS_REQUIRED' } });
    await expect(update(user, user, { admin: true }, { ...base, firstName: 'Sneaky' })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    expect(await service.detail(user, user.userId)).toMatchObject({ firstName: 'Una', admin: false, activityStatus: 'Active', loginName: 'una.u' });
    expect(await service.detail(user, peer.userId)).toMatchObject({ firstName: 'Pete' });
    // Sending the current values is no change.
    await expect(update(user, user, { admin: false, activityStatus: 'Active', loginName: 'una.u', domainName: 'openspecimen' }, base)).resolves.toMatchObject({ firstName: 'Una' });
  });

  it('lets an admin update any user of the account: login name, admin role, status (with its side effects)', async () => {
    const a = await account();
    const admin = await a.add({ first: 'Ada', last: 'A', roles: ['admin', 'user'] });
    const user = await a.add({ first: 'Una', last: 'U' });
    const base = { firstName: 'Una', lastName: 'U', emailAddress: user.email! };
    expect(await update(admin, user, { loginName: 'una.renamed', admin: true }, base)).toMatchObject({ loginName: 'una.renamed', admin: true });
    expect((await context.get(UsersRepository).byId(a.scope, user.userId))?.roles).toEqual(['admin', 'user']);
    expect(await update(admin, user, { admin: false }, base)).toMatchObject({ admin: false });
    expect((await context.get(UsersRepository).byId(a.scope, user.userId))?.roles).toEqual(['user']);

    const session = await context.get(LoginSessionsRepository).open(a.scope, user.userId, 3600);
    expect(await update(admin, user, { activityStatus: 'Locked' }, base)).toMatchObject({ activityStatus: 'Locked' });
    expect(await context.get(LoginSessionsRepository).accountOfLive(session, user.userId)).toBeUndefined();
    expect((await events(IdentityEvents.userDisabled)).filter((e) => e.userId === user.userId)).toEqual([{ accountId: a.scope.accountId, userId: user.userId, status: 'locked' }]);
    expect(await update(admin, user, { activityStatus: 'Active' }, base)).toMatchObject({ activityStatus: 'Active' });
    await expect(update(admin, user, { activityStatus: 'Pending' }, base)).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
      details: { restAuthCode: 'USER_STATUS_CHANGE_NOT_ALLOWED' },
    });

    const adminBase = { firstName: 'Ada', lastName: 'A', emailAddress: admin.email! };
    await expect(update(admin, admin, { admin: false }, adminBase)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    await expect(update(admin, admin, { activityStatus: 'Disabled' }, adminBase)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    const elsewhere = await (await account()).add({ first: 'Eve', last: 'E', roles: ['admin'] });
    await expect(update(elsewhere, user, {}, base)).rejects.toMatchObject({ code: ErrorCode.NotFound, details: { restAuthCode: 'USER_NOT_FOUND' } });
    expect(await service.detail(admin, admin.userId)).toMatchObject({ admin: true, activityStatus: 'Active' });
  });

  it('answers a taken email address or login name as a conflict (case-insensitive), never a 500, and keeps the row', async () => {
    const a = await account();
    const admin = await a.add({ first: 'Ada', last: 'A', roles: ['admin'] });
    const user = await a.add({ first: 'Una', last: 'U' });
    const peer = await a.add({ first: 'Pete', last: 'P' });
    const base = { firstName: 'Una', lastName: 'U', emailAddress: user.email! };
    await expect(update(user, user, {}, { ...base, emailAddress: peer.email!.toUpperCase() })).rejects.toMatchObject({
      code: ErrorCode.Conflict,
      details: { restAuthCode: 'USER_DUP_EMAIL' },
    });
    await expect(update(admin, user, { loginName: 'PETE.P' }, base)).rejects.toMatchObject({ code: ErrorCode.Conflict, details: { restAuthCode: 'USER_DUP_LOGIN_NAME' } });
    expect(await service.detail(user, user.userId)).toMatchObject({ emailAddress: user.email, loginName: 'una.u' });
    // The same address in another account is no conflict.
    const other = await (await account()).add({ first: 'O', last: 'O' });
    await expect(update(other, other, {}, { firstName: 'O', lastName: 'O', emailAddress: user.email! })).resolves.toMatchObject({ emailAddress: user.email });
  });

  it('refuses a different id, a domain change and an unknown institute', async () => {
    const a = await account();
    const user = await a.add({ first: 'Una', last: 'U' });
    const base = { firstName: 'Una', lastName: 'U', emailAddress: user.email! };
    await expect(update(user, user, { id: randomUUID() }, base)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    await expect(update(user, user, { domainName: 'ldap' }, base)).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
      details: { restAuthCode: 'USER_DOMAIN_CHANGE_NOT_ALLOWED' },
    });
    await expect(update(user, user, { instituteName: 'Nowhere' }, base)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed, details: { restAuthCode: 'INSTITUTE_NOT_FOUND' } });
  });
});
