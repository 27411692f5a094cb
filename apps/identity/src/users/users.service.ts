import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { requireDirectoryReader, requireUserAdmin, Roles } from '@quire/auth';
import {
  CreateUserBody,
  IdentityEvents,
  ListUsersQuery,
  Page,
  Principal,
  SessionRevokedEvent,
  SetUserStatusRequest,
  UserDisabledEvent,
  UserStatusReply,
  UserView,
} from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { modifiedRows, Outbox } from '@quire/platform';
import { AccountsRepository } from '../accounts/accounts.repository';
import { clearLoginFailures } from '../sessions/login-lockout';
import { uniqueViolation, UsersRepository, userView } from './users.repository';

export function conflictFor(constraint: string): DomainError {
  const field = constraint.includes('email') ? 'email' : 'loginName';
  return DomainError.conflict(`A user with this ${field === 'email' ? 'email address' : 'login name'} already exists`, { field });
}

/** Revokes every live login session of a user, with one event per session (same transaction). */
export async function revokeSessionsOf(manager: EntityManager, outbox: Outbox, accountId: string, userId: string): Promise<void> {
  const revoked: Array<{ id: string }> = await modifiedRows(manager, `UPDATE "identity"."login_sessions" SET "revoked_at" = now()
     WHERE "account_id" = $1 AND "user_id" = $2 AND "revoked_at" IS NULL RETURNING "id"`,
    [accountId, userId],
  );
  for (const { id } of revoked) {
    const event: SessionRevokedEvent = { accountId, userId, sessionId: id };
    await outbox.add(manager, IdentityEvents.sessionRevoked, event);
  }
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly accounts: AccountsRepository,
    private readonly outbox: Outbox,
  ) {}

  async list(principal: Principal, query: ListUsersQuery): Promise<Page<UserView>> {
    requireDirectoryReader(principal);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const { items, total } = await this.users.page(principal.accountId, page, pageSize, query.createdAfter);
    return { items: items.map(userView), page, pageSize, total };
  }

  async get(principal: Principal, userId: string): Promise<UserView> {
    requireDirectoryReader(principal);
    const user = await this.users.byId(principal.accountId, userId);
    if (!user) throw DomainError.notFound('User');
    return userView(user);
  }

  async byEmail(principal: Principal, email: string): Promise<UserView> {
    requireDirectoryReader(principal);
    const user = await this.users.byEmail(principal.accountId, email);
    if (!user) throw DomainError.notFound('User');
    return userView(user);
  }

  /**
   * Admins add users (all or none). They start active without a password: they set one through
   * forgot-password.
   */
  async create(principal: Principal, bodies: CreateUserBody[]): Promise<UserView[]> {
    requireUserAdmin(principal);
    if (!bodies.length) throw DomainError.validation('No users given');
    const unknown = await this.users.unknownRoles(principal.accountId, [...new Set(bodies.flatMap((b) => b.roles ?? []))]);
    if (unknown.length) throw DomainError.validation(`Unknown role: ${unknown.join(', ')}`, { fields: { roles: unknown } });
    const domain = await this.accounts.domain(principal.accountId);
    if (!domain) throw DomainError.notFound('Authentication domain');
    const ids = await this.dataSource
      .transaction(async (manager) => {
        const created: string[] = [];
        for (const body of bodies) {
          created.push(
            await this.users.insert(
              manager,
              {
                accountId: principal.accountId,
                domainId: domain.id,
                loginName: body.loginName ?? body.email,
                email: body.email,
                firstName: body.firstName,
                lastName: body.lastName,
                status: 'active',
                passwordHash: null,
              },
              body.roles ?? [Roles.User],
            ),
          );
        }
        return created;
      })
      .catch((error: unknown) => {
        const constraint = uniqueViolation(error);
        throw constraint ? conflictFor(constraint) : error;
      });
    const views: UserView[] = [];
    for (const id of ids) views.push(userView((await this.users.byId(principal.accountId, id))!));
    return views;
  }

  /**
   * Admin status changes: `active` approves a sign-up, unlocks or re-enables (and clears failed
   * logins); `locked` / `disabled` end the user's sessions, and their tokens stop resolving.
   */
  async setStatus(principal: Principal, request: SetUserStatusRequest): Promise<UserStatusReply> {
    requireUserAdmin(principal);
    if (request.userId === principal.userId) throw DomainError.validation('Admins cannot change their own status');
    await this.dataSource.transaction(async (manager) => {
      const rows: Array<{ id: string }> = await modifiedRows(manager, `UPDATE "identity"."users" SET "status" = $3, "updated_at" = now()
         WHERE "account_id" = $1 AND "id" = $2 RETURNING "id"`,
        [principal.accountId, request.userId, request.status],
      );
      if (!rows[0]) throw DomainError.notFound('User');
      if (request.status === 'active') {
        await clearLoginFailures(manager, principal.accountId, request.userId);
      } else {
        await revokeSessionsOf(manager, this.outbox, principal.accountId, request.userId);
        const event: UserDisabledEvent = { accountId: principal.accountId, userId: request.userId, status: request.status };
        await this.outbox.add(manager, IdentityEvents.userDisabled, event);
      }
    });
    await this.outbox.flush();
    return { id: request.userId, status: request.status };
  }
}
