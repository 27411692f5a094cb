import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { LoginSession } from './login-session.entity';

/** Login sessions (the login JWT's `sid`). */
@Injectable()
export class LoginSessionsRepository extends AccountScopedRepository<LoginSession> {
  constructor(db: TransactionHost) {
    super(db as Db, LoginSession);
  }

  /** A new session of a user of this account; answers its id. */
  async open(scope: AccountScope, userId: string, ttlSeconds: number): Promise<string> {
    const [row] = await this.modify<{ id: string }>(
      scope,
      `INSERT INTO "identity"."login_sessions" ("account_id", "user_id", "expires_at")
       SELECT u."account_id", u."id", now() + make_interval(secs => $3) FROM "identity"."users" u WHERE u."account_id" = $1 AND u."id" = $2
       RETURNING "id"`,
      [userId, ttlSeconds],
    );
    return row!.id;
  }

  /**
   * The account of a live session `sessionId` of `userId`. Unscoped on purpose: the caller holds
   * only a login token, whose signed `sid` and `sub` are the authority this lookup starts from.
   */
  async accountOfLive(sessionId: string, userId: string): Promise<string | undefined> {
    const rows: Array<{ account_id: string }> = await this.unscoped().query(
      `SELECT "account_id" FROM "identity"."login_sessions" WHERE "id" = $1 AND "user_id" = $2 AND "revoked_at" IS NULL AND "expires_at" > now()`,
      [sessionId, userId],
    );
    return rows[0]?.account_id;
  }

  /** Revokes one live session of the user; false when there was none. */
  async revoke(scope: AccountScope, sessionId: string, userId: string): Promise<boolean> {
    const rows = await this.modify(
      scope,
      `UPDATE "identity"."login_sessions" SET "revoked_at" = now()
        WHERE "account_id" = $1 AND "id" = $2 AND "user_id" = $3 AND "revoked_at" IS NULL RETURNING "id"`,
      [sessionId, userId],
    );
    return rows.length > 0;
  }

  /** Revokes every live session of the user; answers their ids. */
  async revokeAllOf(scope: AccountScope, userId: string): Promise<string[]> {
    const rows = await this.modify<{ id: string }>(
      scope,
      `UPDATE "identity"."login_sessions" SET "revoked_at" = now() WHERE "account_id" = $1 AND "user_id" = $2 AND "revoked_at" IS NULL RETURNING "id"`,
      [userId],
    );
    return rows.map((row) => row.id);
  }
}
