import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db, Transactional } from '@quire/platform';
import { IdentityEnv } from '../identity.env';
import { LoginFailure } from './login-failure.entity';

/**
 * Temporary lockout per user AND client address (DESIGN.md: the lock is never one that anyone
 * can trigger for someone else): IDENTITY_LOCKOUT_MAX_FAILURES wrong passwords from one address
 * within the window lock that user at that address for IDENTITY_LOCKOUT_SECONDS.
 */
@Injectable()
export class LoginLockout extends AccountScopedRepository<LoginFailure> {
  constructor(
    db: TransactionHost,
    private readonly env: IdentityEnv,
  ) {
    super(db as Db, LoginFailure);
  }

  async isLocked(scope: AccountScope, userId: string, address: string): Promise<boolean> {
    const rows = await this.sql(
      scope,
      `SELECT 1 FROM "identity"."login_failures" WHERE "account_id" = $1 AND "user_id" = $2 AND "address" = $3 AND "locked_until" > now()`,
      [userId, address],
    );
    return rows.length > 0;
  }

  /** Counts the failure in its window; reaching the limit locks; stale rows of the user go. */
  @Transactional()
  async recordFailure(scope: AccountScope, userId: string, address: string): Promise<void> {
    const { IDENTITY_LOCKOUT_WINDOW_SECONDS: window, IDENTITY_LOCKOUT_MAX_FAILURES: max, IDENTITY_LOCKOUT_SECONDS: lock } = this.env;
    await this.sql(
      scope,
      // Through the user row: only a user of this account collects failures.
      `INSERT INTO "identity"."login_failures" AS f ("account_id", "user_id", "address", "failed_count", "first_failed_at", "locked_until")
       SELECT u."account_id", u."id", $3, 1, now(), CASE WHEN 1 >= $5 THEN now() + make_interval(secs => $6) END
         FROM "identity"."users" u WHERE u."account_id" = $1 AND u."id" = $2
       ON CONFLICT ("user_id", "address") DO UPDATE SET
         "failed_count" = CASE WHEN f."first_failed_at" < now() - make_interval(secs => $4) THEN 1 ELSE f."failed_count" + 1 END,
         "first_failed_at" = CASE WHEN f."first_failed_at" < now() - make_interval(secs => $4) THEN now() ELSE f."first_failed_at" END,
         "locked_until" = CASE
           WHEN f."locked_until" > now() THEN f."locked_until"
           WHEN (CASE WHEN f."first_failed_at" < now() - make_interval(secs => $4) THEN 1 ELSE f."failed_count" + 1 END) >= $5
             THEN now() + make_interval(secs => $6)
           ELSE NULL END`,
      [userId, address, window, max, lock],
    );
    await this.sql(
      scope,
      `DELETE FROM "identity"."login_failures" WHERE "account_id" = $1 AND "user_id" = $2 AND "address" <> $3
         AND "first_failed_at" < now() - make_interval(secs => $4) AND ("locked_until" IS NULL OR "locked_until" < now())`,
      [userId, address, window],
    );
  }

  /** A successful login forgets that address's failures; without `address`, every address's (reset, unlock). */
  async clear(scope: AccountScope, userId: string, address?: string): Promise<void> {
    await this.sql(
      scope,
      `DELETE FROM "identity"."login_failures" WHERE "account_id" = $1 AND "user_id" = $2${address === undefined ? '' : ' AND "address" = $3'}`,
      address === undefined ? [userId] : [userId, address],
    );
  }
}
