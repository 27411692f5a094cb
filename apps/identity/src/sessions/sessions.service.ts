import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { loginSessionScope, scopeValue } from '@quire/auth';
import { IdentityEvents, Principal, ResolveSessionRequest, SessionRevokedEvent } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { modifiedRows, Outbox } from '@quire/platform';
import { principalOf, UsersRepository } from '../users/users.repository';

@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly outbox: Outbox,
  ) {}

  /** The principal of a live login session of an active user; UNAUTHENTICATED otherwise. */
  async resolve(request: ResolveSessionRequest): Promise<Principal> {
    const rows: Array<{ account_id: string }> = await this.dataSource.query(
      `SELECT "account_id" FROM "identity"."login_sessions"
       WHERE "id" = $1 AND "user_id" = $2 AND "revoked_at" IS NULL AND "expires_at" > now()`,
      [request.sessionId, request.userId],
    );
    const accountId = rows[0]?.account_id;
    const user = accountId ? await this.users.byId(accountId, request.userId) : null;
    if (!user || user.status !== 'active') throw DomainError.unauthenticated('Invalid or expired token');
    return principalOf(user, [loginSessionScope(request.sessionId)]);
  }

  /** Logout: the caller's own login session ends at once (every gateway drops it). */
  async logout(principal: Principal): Promise<{ status: 'success' }> {
    const sessionId = scopeValue(principal.scopes, 'login_session');
    if (!sessionId) throw DomainError.validation('Only a login token can be logged out; delete an API token instead');
    await this.dataSource.transaction(async (manager) => {
      const revoked: Array<{ id: string }> = await modifiedRows(manager, `UPDATE "identity"."login_sessions" SET "revoked_at" = now()
         WHERE "id" = $1 AND "account_id" = $2 AND "user_id" = $3 AND "revoked_at" IS NULL RETURNING "id"`,
        [sessionId, principal.accountId, principal.userId],
      );
      if (revoked.length) {
        const event: SessionRevokedEvent = { accountId: principal.accountId, userId: principal.userId, sessionId };
        await this.outbox.add(manager, IdentityEvents.sessionRevoked, event);
      }
    });
    await this.outbox.flush();
    return { status: 'success' };
  }
}
