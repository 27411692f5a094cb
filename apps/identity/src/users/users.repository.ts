import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { Principal, UserView } from '@quire/contracts';
import { User } from './user.entity';
import { directoryConditions, UserDirectoryFilter } from './user-directory-query';

/** A user row with what a principal or a view needs from other tables. */
export interface UserWithRoles extends User {
  roles: string[];
  accountCode: string;
}

const SELECT_USER = `
  SELECT u.*, a."code" AS "account_code",
    COALESCE((SELECT array_agg(r."name" ORDER BY r."name") FROM "identity"."user_roles" ur
      JOIN "identity"."roles" r ON r."id" = ur."role_id" AND r."account_id" = ur."account_id"
      WHERE ur."user_id" = u."id" AND ur."account_id" = u."account_id"), '{}') AS "roles"
  FROM "identity"."users" u JOIN "identity"."accounts" a ON a."id" = u."account_id"`;

type UserRow = Record<string, unknown>;

function toUser(row: UserRow): UserWithRoles {
  return {
    id: row['id'] as string,
    accountId: row['account_id'] as string,
    domainId: row['domain_id'] as string,
    loginName: row['login_name'] as string,
    email: row['email'] as string,
    firstName: row['first_name'] as string,
    lastName: row['last_name'] as string,
    status: row['status'] as User['status'],
    passwordHash: (row['password_hash'] as string | null) ?? null,
    instituteId: (row['institute_id'] as string | null) ?? null,
    departmentName: (row['department_name'] as string | null) ?? null,
    createdAt: row['created_at'] as Date,
    updatedAt: row['updated_at'] as Date,
    roles: (row['roles'] as string[]) ?? [],
    accountCode: row['account_code'] as string,
  };
}

export function userView(user: UserWithRoles): UserView {
  return {
    id: user.id,
    loginName: user.loginName,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    status: user.status,
    roles: user.roles,
    createdAt: user.createdAt.toISOString(),
  };
}

/** Who a user is to every other service; `scopes` says which credential it came from. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function principalOf(user: UserWithRoles, scopes: string[], extra: Partial<Principal> = {}): Principal {
  return {
    userId: user.id,
    accountId: user.accountId,
    roles: user.roles,
    scopes,
    accountCode: user.accountCode,
    loginName: user.loginName,
    email: user.email,
    displayName: `${user.firstName} ${user.lastName}`.trim(),
    ...extra,
  };
}

/** A user as the rest-auth directory shows it: with its domain and institute names and whether it is an admin. */
export interface UserDirectoryEntry extends User {
  domainName: string;
  instituteName: string | null;
  admin: boolean;
}

/** `$2` is the admin role's name. */
const SELECT_DIRECTORY_ENTRY = `
  SELECT u.*, d."name" AS "domain_name", i."name" AS "institute_name",
    EXISTS (SELECT 1 FROM "identity"."user_roles" ur
      JOIN "identity"."roles" r ON r."id" = ur."role_id" AND r."account_id" = ur."account_id"
      WHERE ur."user_id" = u."id" AND ur."account_id" = u."account_id" AND r."name" = $2) AS "admin"
  FROM "identity"."users" u
  JOIN "identity"."auth_domains" d ON d."account_id" = u."account_id" AND d."id" = u."domain_id"
  LEFT JOIN "identity"."institutes" i ON i."account_id" = u."account_id" AND i."id" = u."institute_id"`;

const FROM_DIRECTORY = `
  FROM "identity"."users" u
  JOIN "identity"."auth_domains" d ON d."account_id" = u."account_id" AND d."id" = u."domain_id"
  LEFT JOIN "identity"."institutes" i ON i."account_id" = u."account_id" AND i."id" = u."institute_id"`;

function toDirectoryEntry(row: UserRow): UserDirectoryEntry {
  const { roles: _roles, accountCode: _code, ...user } = toUser(row);
  return {
    ...user,
    domainName: row['domain_name'] as string,
    instituteName: (row['institute_name'] as string | null) ?? null,
    admin: row['admin'] === true,
  };
}

/** The profile fields an update writes (all of them: the caller merges with what is there). */
export type UserProfile = Pick<User, 'loginName' | 'email' | 'firstName' | 'lastName' | 'instituteId' | 'departmentName'>;

export type NewUser = Pick<User, 'domainId' | 'loginName' | 'email' | 'firstName' | 'lastName' | 'status' | 'passwordHash'> &
  Partial<Pick<User, 'instituteId' | 'departmentName'>>;

/** Users and their roles; every method takes the account. */
@Injectable()
export class UsersRepository extends AccountScopedRepository<User> {
  constructor(db: TransactionHost) {
    super(db as Db, User);
  }

  async byId(scope: AccountScope, id: string): Promise<UserWithRoles | null> {
    const [row] = await this.sql<UserRow>(scope, `${SELECT_USER} WHERE u."account_id" = $1 AND u."id" = $2`, [id]);
    return row ? toUser(row) : null;
  }

  /** Of `ids`, those of users of the account (ids that are not UUIDs name nobody). */
  async existingIds(scope: AccountScope, ids: string[]): Promise<string[]> {
    const candidates = ids.filter((id) => UUID.test(id));
    if (!candidates.length) return [];
    const rows = await this.sql<{ id: string }>(scope, `SELECT u."id" FROM "identity"."users" u WHERE u."account_id" = $1 AND u."id" = ANY($2::uuid[])`, [candidates]);
    return rows.map((row) => row.id);
  }

  /** `lock` holds the user row for the rest of the caller's transaction. */
  async byLoginName(scope: AccountScope, loginName: string, lock = false): Promise<UserWithRoles | null> {
    const [row] = await this.sql<UserRow>(
      scope,
      `${SELECT_USER} WHERE u."account_id" = $1 AND lower(u."login_name") = lower($2)${lock ? ' FOR UPDATE OF u' : ''}`,
      [loginName],
    );
    return row ? toUser(row) : null;
  }

  async byEmail(scope: AccountScope, email: string): Promise<UserWithRoles | null> {
    const [row] = await this.sql<UserRow>(scope, `${SELECT_USER} WHERE u."account_id" = $1 AND lower(u."email") = lower($2)`, [email]);
    return row ? toUser(row) : null;
  }

  async page(scope: AccountScope, page: number, pageSize: number, createdAfter?: Date): Promise<{ items: UserWithRoles[]; total: number }> {
    const filter = createdAfter ? ` AND u."created_at" > $2` : '';
    const params: unknown[] = createdAfter ? [createdAfter] : [];
    const rows = await this.sql<UserRow>(
      scope,
      `${SELECT_USER} WHERE u."account_id" = $1${filter} ORDER BY u."created_at", u."id" LIMIT ${Number(pageSize)} OFFSET ${(Number(page) - 1) * Number(pageSize)}`,
      params,
    );
    const [count] = await this.sql<{ total: string }>(scope, `SELECT count(*) AS "total" FROM "identity"."users" u WHERE u."account_id" = $1${filter}`, params);
    return { items: rows.map(toUser), total: Number(count?.total ?? 0) };
  }

  /** `adminRole` names the role that makes `admin` true; `lock` holds the row for the caller's transaction. */
  async directoryEntry(scope: AccountScope, id: string, adminRole: string, lock = false): Promise<UserDirectoryEntry | null> {
    const [row] = await this.sql<UserRow>(scope, `${SELECT_DIRECTORY_ENTRY} WHERE u."account_id" = $1 AND u."id" = $3${lock ? ' FOR UPDATE OF u' : ''}`, [adminRole, id]);
    return row ? toDirectoryEntry(row) : null;
  }

  /** One page of the account's users matching the filter, by first name, last name (OpenSpecimen's order), then id. */
  async searchDirectory(scope: AccountScope, filter: UserDirectoryFilter, adminRole: string, start: number, maxResults: number): Promise<UserDirectoryEntry[]> {
    const where = directoryConditions(filter, 3);
    const rows = await this.sql<UserRow>(
      scope,
      `${SELECT_DIRECTORY_ENTRY} WHERE u."account_id" = $1${where.sql}
       ORDER BY u."first_name", u."last_name", u."id" LIMIT ${Math.trunc(maxResults)} OFFSET ${Math.trunc(start)}`,
      [adminRole, ...where.params],
    );
    return rows.map(toDirectoryEntry);
  }

  async countDirectory(scope: AccountScope, filter: UserDirectoryFilter): Promise<number> {
    const where = directoryConditions(filter);
    const [row] = await this.sql<{ count: string }>(scope, `SELECT count(*) AS "count" ${FROM_DIRECTORY} WHERE u."account_id" = $1${where.sql}`, where.params);
    return Number(row?.count ?? 0);
  }

  /** Writes every profile field; false when the account has no such user. Unique violations are the caller's to map. */
  async updateProfile(scope: AccountScope, id: string, profile: UserProfile): Promise<boolean> {
    const rows = await this.modify(
      scope,
      `UPDATE "identity"."users" SET "login_name" = $3, "email" = $4, "first_name" = $5, "last_name" = $6, "institute_id" = $7::uuid, "department_name" = $8, "updated_at" = now()
       WHERE "account_id" = $1 AND "id" = $2 RETURNING "id"`,
      [id, profile.loginName, profile.email, profile.firstName, profile.lastName, profile.instituteId, profile.departmentName],
    );
    return rows.length > 0;
  }

  /** A user of the scope's account (through its auth domain, which must be the account's) with `roles`. */
  async insert(scope: AccountScope, user: NewUser, roles: string[]): Promise<string> {
    const [row] = await this.modify<{ id: string }>(
      scope,
      `INSERT INTO "identity"."users" ("account_id", "domain_id", "login_name", "email", "first_name", "last_name", "status", "password_hash", "institute_id", "department_name")
       SELECT d."account_id", d."id", $3, $4, $5, $6, $7, $8, $9::uuid, $10 FROM "identity"."auth_domains" d WHERE d."account_id" = $1 AND d."id" = $2
       RETURNING "id"`,
      [user.domainId, user.loginName, user.email, user.firstName, user.lastName, user.status, user.passwordHash, user.instituteId ?? null, user.departmentName ?? null],
    );
    if (!row) throw new Error('The authentication domain is not one of this account');
    await this.grantRoles(scope, row.id, roles);
    return row.id;
  }

  /** Grants the account's roles of these names (unknown names are skipped: check them first). */
  async grantRoles(scope: AccountScope, userId: string, roles: string[]): Promise<void> {
    if (!roles.length) return;
    await this.sql(
      scope,
      `INSERT INTO "identity"."user_roles" ("account_id", "user_id", "role_id")
       SELECT r."account_id", $2::uuid, r."id" FROM "identity"."roles" r WHERE r."account_id" = $1 AND r."name" = ANY($3::text[])
       ON CONFLICT DO NOTHING`,
      [userId, roles],
    );
  }

  async revokeRole(scope: AccountScope, userId: string, role: string): Promise<void> {
    await this.sql(
      scope,
      `DELETE FROM "identity"."user_roles" ur USING "identity"."roles" r
       WHERE ur."account_id" = $1 AND ur."user_id" = $2 AND r."account_id" = ur."account_id" AND r."id" = ur."role_id" AND r."name" = $3`,
      [userId, role],
    );
  }

  async unknownRoles(scope: AccountScope, roles: string[]): Promise<string[]> {
    if (!roles.length) return [];
    const rows = await this.sql<{ name: string }>(scope, `SELECT r."name" FROM "identity"."roles" r WHERE r."account_id" = $1 AND r."name" = ANY($2::text[])`, [roles]);
    const known = new Set(rows.map((r) => r.name));
    return roles.filter((role) => !known.has(role));
  }

  /** False when the account has no such user. */
  async setStatus(scope: AccountScope, id: string, status: User['status']): Promise<boolean> {
    const rows = await this.modify(scope, `UPDATE "identity"."users" SET "status" = $3, "updated_at" = now() WHERE "account_id" = $1 AND "id" = $2 RETURNING "id"`, [id, status]);
    return rows.length > 0;
  }

  async setPasswordHash(scope: AccountScope, id: string, passwordHash: string): Promise<void> {
    await this.modify(scope, `UPDATE "identity"."users" SET "password_hash" = $3, "updated_at" = now() WHERE "account_id" = $1 AND "id" = $2 RETURNING "id"`, [id, passwordHash]);
  }
}

/** The unique index a Postgres unique violation came from, if it was one. */
export function uniqueViolation(error: unknown): string | undefined {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e.driverError?.code ?? e.code;
  return code === '23505' ? (e.driverError?.constraint ?? e.constraint ?? 'unique') : undefined;
}
