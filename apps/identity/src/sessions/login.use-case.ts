import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DUMMY_PASSWORD_HASH, isAdmin, loginSessionScope, QuireJwt, verifyPassword } from '@quire/auth';
import { BUILT_IN_AUTH_DOMAIN, LoginReply, LoginRequest } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { AccountsRepository } from '../accounts/accounts.repository';
import { IdentityEnv } from '../identity.env';
import { principalOf, UserWithRoles, UsersRepository } from '../users/users.repository';

/** The one answer to every failed login: unknown user, wrong password, pending, locked, disabled. */
export function invalidCredentials(): DomainError {
  return DomainError.unauthenticated('Invalid login name or password');
}

/**
 * `POST /rest/ng/sessions`. Every attempt costs one scrypt (a dummy hash when the user does not
 * exist), and every failure answers the same, so neither the body nor the time tells whether a
 * login name exists or what state it is in. Repeated failures lock the user for a while.
 */
@Injectable()
export class LoginUseCase {
  private readonly jwt: QuireJwt;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountsRepository,
    private readonly users: UsersRepository,
    private readonly env: IdentityEnv,
  ) {
    this.jwt = new QuireJwt({ secret: env.JWT_SECRET });
  }

  async execute(request: LoginRequest): Promise<LoginReply> {
    const domainName = request.domainName ?? BUILT_IN_AUTH_DOMAIN;
    const account = await this.accounts.forPublicCall(request.accountCode);
    const domain = account ? await this.accounts.domain(account.id, domainName) : null;
    if (account && !domain) throw DomainError.validation(`Unknown authentication domain: ${domainName}`, { fields: { domainName: ['unknown'] } });
    const user = account && domain ? await this.users.byLoginName(account.id, request.loginName) : null;
    const candidate = user && user.domainId === domain?.id ? user : null;
    const passwordOk = await verifyPassword(request.password, candidate?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!candidate || !candidate.passwordHash) throw invalidCredentials();
    if (!passwordOk) {
      await this.recordFailure(candidate);
      throw invalidCredentials();
    }
    if (candidate.status !== 'active' || this.lockedNow(candidate)) throw invalidCredentials();
    return this.startSession(candidate, domainName);
  }

  private lockedNow(user: UserWithRoles): boolean {
    return user.lockedUntil !== null && user.lockedUntil.getTime() > Date.now();
  }

  /** Counts the failure in its window; reaching the limit locks the user for a while. */
  private async recordFailure(user: UserWithRoles): Promise<void> {
    await this.dataSource.query(
      `WITH counted AS (
         SELECT "id",
           CASE WHEN "first_failed_login_at" IS NULL OR "first_failed_login_at" < now() - make_interval(secs => $3)
             THEN 1 ELSE "failed_login_count" + 1 END AS "count",
           CASE WHEN "first_failed_login_at" IS NULL OR "first_failed_login_at" < now() - make_interval(secs => $3)
             THEN now() ELSE "first_failed_login_at" END AS "since"
         FROM "identity"."users" WHERE "account_id" = $1 AND "id" = $2 FOR UPDATE)
       UPDATE "identity"."users" u SET
         "failed_login_count" = c."count",
         "first_failed_login_at" = c."since",
         "locked_until" = CASE WHEN c."count" >= $4 AND (u."locked_until" IS NULL OR u."locked_until" < now())
           THEN now() + make_interval(secs => $5) ELSE u."locked_until" END
       FROM counted c WHERE u."id" = c."id"`,
      [user.accountId, user.id, this.env.IDENTITY_LOCKOUT_WINDOW_SECONDS, this.env.IDENTITY_LOCKOUT_MAX_FAILURES, this.env.IDENTITY_LOCKOUT_SECONDS],
    );
  }

  private async startSession(user: UserWithRoles, domainName: string): Promise<LoginReply> {
    const ttl = this.env.IDENTITY_SESSION_TTL_SECONDS;
    const sessionId = await this.dataSource.transaction(async (manager: EntityManager) => {
      if (user.failedLoginCount > 0 || user.lockedUntil) {
        await manager.query(
          `UPDATE "identity"."users" SET "failed_login_count" = 0, "first_failed_login_at" = NULL, "locked_until" = NULL
           WHERE "account_id" = $1 AND "id" = $2`,
          [user.accountId, user.id],
        );
      }
      const rows: Array<{ id: string }> = await manager.query(
        `INSERT INTO "identity"."login_sessions" ("account_id", "user_id", "expires_at")
         VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING "id"`,
        [user.accountId, user.id, ttl],
      );
      return rows[0]!.id;
    });
    const principal = principalOf(user, [loginSessionScope(sessionId)]);
    return {
      id: user.id,
      loginName: user.loginName,
      firstName: user.firstName,
      lastName: user.lastName,
      emailAddress: user.email,
      domainName,
      accountCode: user.accountCode,
      roles: user.roles,
      admin: isAdmin(principal),
      token: this.jwt.signLogin(principal, sessionId, ttl),
    };
  }
}
