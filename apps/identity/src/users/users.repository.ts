import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal, UserView } from '@quire/contracts';
import { User } from './user.entity';

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

/** Every query names the account: no read crosses accounts. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async byId(accountId: string, id: string, manager?: EntityManager): Promise<UserWithRoles | null> {
    const rows: UserRow[] = await this.m(manager).query(`${SELECT_USER} WHERE u."account_id" = $1 AND u."id" = $2`, [accountId, id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async byLoginName(accountId: string, loginName: string, manager?: EntityManager, lock = false): Promise<UserWithRoles | null> {
    const rows: UserRow[] = await this.m(manager).query(
      `${SELECT_USER} WHERE u."account_id" = $1 AND lower(u."login_name") = lower($2)${lock ? ' FOR UPDATE OF u' : ''}`,
      [accountId, loginName],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async byEmail(accountId: string, email: string, manager?: EntityManager): Promise<UserWithRoles | null> {
    const rows: UserRow[] = await this.m(manager).query(`${SELECT_USER} WHERE u."account_id" = $1 AND lower(u."email") = lower($2)`, [
      accountId,
      email,
    ]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async page(accountId: string, page: number, pageSize: number, createdAfter?: Date): Promise<{ items: UserWithRoles[]; total: number }> {
    const filter = createdAfter ? ` AND u."created_at" > $2` : '';
    const params: unknown[] = createdAfter ? [accountId, createdAfter] : [accountId];
    const rows: UserRow[] = await this.m().query(
      `${SELECT_USER} WHERE u."account_id" = $1${filter} ORDER BY u."created_at", u."id" LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
      params,
    );
    const count: Array<{ total: string }> = await this.m().query(
      `SELECT count(*) AS "total" FROM "identity"."users" u WHERE u."account_id" = $1${filter}`,
      params,
    );
    return { items: rows.map(toUser), total: Number(count[0]?.total ?? 0) };
  }

  async insert(
    manager: EntityManager,
    user: Pick<User, 'accountId' | 'domainId' | 'loginName' | 'email' | 'firstName' | 'lastName' | 'status' | 'passwordHash'> &
      Partial<Pick<User, 'instituteId' | 'departmentName'>>,
    roles: string[],
  ): Promise<string> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO "identity"."users" ("account_id", "domain_id", "login_name", "email", "first_name", "last_name", "status", "password_hash", "institute_id", "department_name")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING "id"`,
      [user.accountId, user.domainId, user.loginName, user.email, user.firstName, user.lastName, user.status, user.passwordHash, user.instituteId ?? null, user.departmentName ?? null],
    );
    const id = rows[0]!.id;
    await this.grantRoles(manager, user.accountId, id, roles);
    return id;
  }

  /** Grants roles by name; returns the names that do not exist in the account. */
  async grantRoles(manager: EntityManager, accountId: string, userId: string, roles: string[]): Promise<void> {
    if (!roles.length) return;
    await manager.query(
      `INSERT INTO "identity"."user_roles" ("account_id", "user_id", "role_id")
       SELECT $1, $2, r."id" FROM "identity"."roles" r WHERE r."account_id" = $1 AND r."name" = ANY($3::text[])
       ON CONFLICT DO NOTHING`,
      [accountId, userId, roles],
    );
  }

  async unknownRoles(accountId: string, roles: string[]): Promise<string[]> {
    if (!roles.length) return [];
    const rows: Array<{ name: string }> = await this.m().query(
      `SELECT r."name" FROM "identity"."roles" r WHERE r."account_id" = $1 AND r."name" = ANY($2::text[])`,
      [accountId, roles],
    );
    const known = new Set(rows.map((r) => r.name));
    return roles.filter((role) => !known.has(role));
  }
}

/** The unique index a Postgres unique violation came from, if it was one. */
export function uniqueViolation(error: unknown): string | undefined {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e.driverError?.code ?? e.code;
  return code === '23505' ? (e.driverError?.constraint ?? e.constraint ?? 'unique') : undefined;
}
