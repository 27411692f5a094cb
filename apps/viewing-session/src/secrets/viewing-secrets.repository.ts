import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { ViewingSecret } from './viewing-secret.entity';

@Injectable()
export class ViewingSecretsRepository extends AccountScopedRepository<ViewingSecret> {
  constructor(db: TransactionHost) {
    super(db as Db, ViewingSecret);
  }

  find(scope: AccountScope): Promise<ViewingSecret | undefined> {
    return this.findOne(scope, {});
  }

  /** Replaces the account's secret; answers the id of the one it replaced, if any. */
  async replace(scope: AccountScope, secret: ViewingSecret): Promise<string | undefined> {
    const [previous] = await this.sql<{ secret_id: string }>(
      scope,
      `SELECT secret_id FROM "viewing"."viewing_secrets" WHERE account_id = $1 FOR UPDATE`,
    );
    await this.sql(
      scope,
      `INSERT INTO "viewing"."viewing_secrets" (account_id, secret_id, secret_hash, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id) DO UPDATE SET secret_id = EXCLUDED.secret_id, secret_hash = EXCLUDED.secret_hash,
         created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at
       WHERE "viewing"."viewing_secrets".account_id = $1`,
      [secret.secretId, secret.secretHash, secret.createdBy, secret.createdAt],
    );
    return previous?.secret_id;
  }

  async remove(scope: AccountScope): Promise<string | undefined> {
    const [row] = await this.sql<{ secret_id: string }>(
      scope,
      `WITH gone AS (DELETE FROM "viewing"."viewing_secrets" WHERE account_id = $1 RETURNING secret_id) SELECT secret_id FROM gone`,
    );
    return row?.secret_id;
  }

  /**
   * The secret with this id, whatever its account: the secret itself is the authority here (its
   * id is in the presented value, and its hash must match).
   */
  async findById(secretId: string): Promise<ViewingSecret | undefined> {
    return (await this.unscoped().findOne(ViewingSecret, { where: { secretId } })) ?? undefined;
  }
}
