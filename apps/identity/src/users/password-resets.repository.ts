import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { PasswordResetToken } from './user.entity';

/** Single-use password reset tokens, stored hashed. */
@Injectable()
export class PasswordResetsRepository extends AccountScopedRepository<PasswordResetToken> {
  constructor(db: TransactionHost) {
    super(db as Db, PasswordResetToken);
  }

  async issue(scope: AccountScope, userId: string, tokenHash: string, ttlSeconds: number): Promise<void> {
    await this.sql(
      scope,
      `INSERT INTO "identity"."password_reset_tokens" ("account_id", "user_id", "token_hash", "expires_at")
       SELECT u."account_id", u."id", $3, now() + make_interval(secs => $4) FROM "identity"."users" u WHERE u."account_id" = $1 AND u."id" = $2`,
      [userId, tokenHash, ttlSeconds],
    );
  }

  /** Uses up the user's live token with this hash; false when there is none. */
  async consume(scope: AccountScope, userId: string, tokenHash: string): Promise<boolean> {
    const used = await this.modify(
      scope,
      `UPDATE "identity"."password_reset_tokens" SET "used_at" = now()
        WHERE "account_id" = $1 AND "user_id" = $2 AND "token_hash" = $3 AND "used_at" IS NULL AND "expires_at" > now()
        RETURNING "id"`,
      [userId, tokenHash],
    );
    return used.length > 0;
  }

  /** The user's other unused tokens die. */
  async expireAllOf(scope: AccountScope, userId: string): Promise<void> {
    await this.modify(
      scope,
      `UPDATE "identity"."password_reset_tokens" SET "used_at" = now() WHERE "account_id" = $1 AND "user_id" = $2 AND "used_at" IS NULL RETURNING "id"`,
      [userId],
    );
  }
}
