import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { IdentityEnv } from '../identity.env';

/** Clears a user's failed logins from every address (password reset, admin unlock). */
export async function clearLoginFailures(manager: EntityManager, accountId: string, userId: string): Promise<void> {
  await manager.query(`DELETE FROM "identity"."login_failures" WHERE "account_id" = $1 AND "user_id" = $2`, [accountId, userId]);
}

/**
 * Temporary lockout per user AND client address (DESIGN.md: the lock is never one that anyone
 * can trigger for someone else): IDENTITY_LOCKOUT_MAX_FAILURES wrong passwords from one address
 * within the window lock that user at that address for IDENTITY_LOCKOUT_SECONDS.
 */
@Injectable()
export class LoginLockout {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly env: IdentityEnv,
  ) {}

  async isLocked(accountId: string, userId: string, address: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM "identity"."login_failures"
       WHERE "account_id" = $1 AND "user_id" = $2 AND "address" = $3 AND "locked_until" > now()`,
      [accountId, userId, address],
    );
    return rows.length > 0;
  }

  /** Counts the failure in its window; reaching the limit locks; stale rows of the user go. */
  async recordFailure(accountId: string, userId: string, address: string): Promise<void> {
    const { IDENTITY_LOCKOUT_WINDOW_SECONDS: window, IDENTITY_LOCKOUT_MAX_FAILURES: max, IDENTITY_LOCKOUT_SECONDS: lock } = this.env;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO "identity"."login_failures" AS f ("account_id", "user_id", "address", "failed_count", "first_failed_at", "locked_until")
         VALUES ($1, $2, $3, 1, now(), CASE WHEN 1 >= $5 THEN now() + make_interval(secs => $6) END)
         ON CONFLICT ("user_id", "address") DO UPDATE SET
           "failed_count" = CASE WHEN f."first_failed_at" < now() - make_interval(secs => $4) THEN 1 ELSE f."failed_count" + 1 END,
           "first_failed_at" = CASE WHEN f."first_failed_at" < now() - make_interval(secs => $4) THEN now() ELSE f."first_failed_at" END,
           "locked_until" = CASE
             WHEN f."locked_until" > now() THEN f."locked_until"
             WHEN (CASE WHEN f."first_failed_at" < now() - make_interval(secs => $4) THEN 1 ELSE f."failed_count" + 1 END) >= $5
               THEN now() + make_interval(secs => $6)
             ELSE NULL END`,
        [accountId, userId, address, window, max, lock],
      );
      await manager.query(
        `DELETE FROM "identity"."login_failures" WHERE "account_id" = $1 AND "user_id" = $2 AND "address" <> $3
           AND "first_failed_at" < now() - make_interval(secs => $4) AND ("locked_until" IS NULL OR "locked_until" < now())`,
        [accountId, userId, address, window],
      );
    });
  }

  /** A successful login forgets that address's failures. */
  async clear(manager: EntityManager, accountId: string, userId: string, address: string): Promise<void> {
    await manager.query(`DELETE FROM "identity"."login_failures" WHERE "account_id" = $1 AND "user_id" = $2 AND "address" = $3`, [
      accountId,
      userId,
      address,
    ]);
  }
}
