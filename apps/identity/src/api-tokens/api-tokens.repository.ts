import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { IsNull } from 'typeorm';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { ApiToken } from './api-token.entity';

export type NewApiToken = Pick<ApiToken, 'id' | 'userId' | 'name' | 'tokenHash' | 'rateLimitPerMinute' | 'expiresAt'>;

/** API tokens (only their sha256 is stored). */
@Injectable()
export class ApiTokensRepository extends AccountScopedRepository<ApiToken> {
  constructor(db: TransactionHost) {
    super(db as Db, ApiToken);
  }

  /**
   * The token of this id in any account. Unscoped on purpose: resolving a presented token is how
   * its account becomes known (the caller then checks the whole token's hash).
   */
  async byIdForResolution(id: string): Promise<ApiToken | null> {
    return this.unscoped().getRepository(ApiToken).findOneBy({ id });
  }

  /** Records a use, at most once per `everySeconds` per token. */
  async touch(scope: AccountScope, id: string, everySeconds: number): Promise<void> {
    await this.modify(
      scope,
      `UPDATE "identity"."api_tokens" SET "last_used_at" = now()
        WHERE "account_id" = $1 AND "id" = $2 AND ("last_used_at" IS NULL OR "last_used_at" < now() - make_interval(secs => $3))
        RETURNING "id"`,
      [id, everySeconds],
    );
  }

  async insert(scope: AccountScope, token: NewApiToken): Promise<ApiToken> {
    await this.insertRows(scope, Object.assign(new ApiToken(), { ...token, accountId: scope.accountId }));
    return (await this.findOne(scope, { id: token.id }))!;
  }

  /** Live tokens of the account, or of one user of it. */
  list(scope: AccountScope, userId?: string): Promise<ApiToken[]> {
    return this.rows().find({
      where: this.scoped(scope, { ...(userId === undefined ? {} : { userId }), revokedAt: IsNull() }),
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Revokes a live token (of `ownerId` only, unless undefined); answers its owner, or undefined when none matched. */
  async revoke(scope: AccountScope, id: string, ownerId: string | undefined): Promise<string | undefined> {
    const [row] = await this.modify<{ user_id: string }>(
      scope,
      `UPDATE "identity"."api_tokens" SET "revoked_at" = now()
        WHERE "account_id" = $1 AND "id" = $2 AND "revoked_at" IS NULL AND ($3::uuid IS NULL OR "user_id" = $3::uuid)
        RETURNING "user_id"`,
      [id, ownerId ?? null],
    );
    return row?.user_id;
  }
}
