import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { ConversionJobOutcome, Rendition, RenditionPage, RenditionState, StoredVariant } from './rendition.entity';

const UUID = /^[0-9a-f-]{36}$/i;

/** A rendition the unused-renditions sweep deleted, with the keys its pages recorded. */
export interface SweptRendition {
  id: string;
  accountId: string;
  variantKeys: string[];
}

/**
 * Renditions, their pages and their conversion jobs (one aggregate), always by account: a
 * rendition is the account's, never shared with another account (ADR 013). The sweep of unused
 * renditions is the one cross-account method (`unscoped()`).
 */
@Injectable()
export class RenditionsRepository extends AccountScopedRepository<Rendition> {
  constructor(db: TransactionHost) {
    super(db as Db, Rendition);
  }

  async find(scope: AccountScope, id: string): Promise<Rendition | undefined> {
    if (!UUID.test(id)) return undefined;
    return this.findOne(scope, { id });
  }

  /**
   * Inserts a queued rendition; false when the account has one of these bytes and options already
   * (NOT EXISTS answers the common case; ON CONFLICT a racing insert of the same bytes).
   */
  async insertQueued(scope: AccountScope, rendition: Omit<Rendition, 'accountId' | 'state' | 'pdfKey' | 'pageCount' | 'error'>): Promise<boolean> {
    const rows = await this.sql(
      scope,
      `INSERT INTO "viewing"."renditions"
         ("id", "account_id", "sha256", "options_hash", "render_options", "format", "kind", "source_key", "source_size", "state")
       SELECT $2, $1, $3, $4, $5, $6, $7, $8, $9, 'queued'
        WHERE NOT EXISTS (SELECT 1 FROM "viewing"."renditions" WHERE "account_id" = $1 AND "sha256" = $3 AND "options_hash" = $4)
       ON CONFLICT ("account_id", "sha256", "options_hash") DO NOTHING RETURNING "id"`,
      [rendition.id, rendition.sha256, rendition.optionsHash, JSON.stringify(rendition.renderOptions), rendition.format, rendition.kind, rendition.sourceKey, rendition.sourceSize],
    );
    return rows.length > 0;
  }

  /** The account's rendition of these bytes and options, marked as used now. */
  async touch(scope: AccountScope, sha256: string, optionsHash: string): Promise<{ id: string; state: RenditionState } | undefined> {
    const [row] = await this.modify<{ id: string; state: RenditionState }>(
      scope,
      `UPDATE "viewing"."renditions" SET "last_used_at" = now() WHERE "account_id" = $1 AND "sha256" = $2 AND "options_hash" = $3 RETURNING "id", "state"`,
      [sha256, optionsHash],
    );
    return row;
  }

  /** A failed rendition queued again, with the bytes of `sourceKey`. */
  async requeue(scope: AccountScope, id: string, sourceKey: string): Promise<void> {
    await this.sql(scope, `UPDATE "viewing"."renditions" SET "state" = 'queued', "error" = NULL, "source_key" = $3 WHERE "account_id" = $1 AND "id" = $2`, [id, sourceKey]);
  }

  async setState(scope: AccountScope, id: string, state: RenditionState): Promise<void> {
    await this.sql(scope, `UPDATE "viewing"."renditions" SET "state" = $3 WHERE "account_id" = $1 AND "id" = $2`, [id, state]);
  }

  /** Failed for good: no more deliveries. */
  async fail(scope: AccountScope, id: string, error: string): Promise<void> {
    await this.sql(scope, `UPDATE "viewing"."renditions" SET "state" = 'error', "error" = $3 WHERE "account_id" = $1 AND "id" = $2`, [id, error.slice(0, 500)]);
  }

  async remove(scope: AccountScope, id: string): Promise<void> {
    await this.sql(scope, `DELETE FROM "viewing"."renditions" WHERE "account_id" = $1 AND "id" = $2`, [id]);
  }

  /**
   * The page sizes (page i = sizes[i]) and PDF of a converted rendition, replacing any pages an
   * earlier delivery wrote. Three statements: the caller runs it in a transaction.
   */
  async recordPages(scope: AccountScope, id: string, sizes: Array<{ width: number; height: number }>, pdfKey: string | null): Promise<void> {
    await this.sql(scope, `DELETE FROM "viewing"."rendition_pages" WHERE "account_id" = $1 AND "rendition_id" = $2`, [id]);
    await this.sql(
      scope,
      `INSERT INTO "viewing"."rendition_pages" ("rendition_id", "account_id", "page", "width", "height")
       SELECT r."id", r."account_id", p."n" - 1, p."width", p."height"
         FROM "viewing"."renditions" r, unnest($3::int[], $4::int[]) WITH ORDINALITY AS p("width", "height", "n")
        WHERE r."account_id" = $1 AND r."id" = $2`,
      [id, sizes.map((s) => s.width), sizes.map((s) => s.height)],
    );
    await this.sql(scope, `UPDATE "viewing"."renditions" SET "page_count" = $3, "pdf_key" = $4 WHERE "account_id" = $1 AND "id" = $2`, [id, sizes.length, pdfKey]);
  }

  async page(scope: AccountScope, id: string, page: number): Promise<RenditionPage | undefined> {
    const [row] = await this.sql<RenditionPage>(
      scope,
      `SELECT "page", "width", "height", "variants" FROM "viewing"."rendition_pages" WHERE "account_id" = $1 AND "rendition_id" = $2 AND "page" = $3`,
      [id, page],
    );
    return row;
  }

  async pages(scope: AccountScope, id: string): Promise<RenditionPage[]> {
    return this.sql<RenditionPage>(
      scope,
      `SELECT "page", "width", "height", "variants" FROM "viewing"."rendition_pages" WHERE "account_id" = $1 AND "rendition_id" = $2 ORDER BY "page"`,
      [id],
    );
  }

  /** Records (or replaces) one stored image of a page under its variant name. */
  async recordVariant(scope: AccountScope, id: string, page: number, variant: string, stored: StoredVariant): Promise<void> {
    await this.sql(
      scope,
      `UPDATE "viewing"."rendition_pages" SET "variants" = jsonb_set("variants", $4, $5::jsonb, true)
        WHERE "account_id" = $1 AND "rendition_id" = $2 AND "page" = $3`,
      [id, page, `{${variant}}`, JSON.stringify(stored)],
    );
  }

  async recordJob(scope: AccountScope, job: ConversionJobOutcome): Promise<void> {
    await this.sql(
      scope,
      `INSERT INTO "viewing"."conversion_jobs" ("rendition_id", "account_id", "size_class", "delivery", "outcome", "duration_ms", "error")
       SELECT r."id", r."account_id", $3, $4, $5, $6, $7 FROM "viewing"."renditions" r WHERE r."account_id" = $1 AND r."id" = $2`,
      [job.renditionId, job.sizeClass, job.delivery, job.outcome, job.durationMs, job.error?.slice(0, 500) ?? null],
    );
  }

  /**
   * Deletes up to `limit` finished renditions unused since `olderThan`, of any account (the
   * sweeper works for all; SKIP LOCKED, so replicas share the work), in one transaction; answers
   * them with the object keys their pages recorded (the caller deletes the objects after).
   */
  deleteUnused(olderThan: Date, limit: number): Promise<SweptRendition[]> {
    return this.db.withTransaction(() => this.lockAndDeleteUnused(olderThan, limit));
  }

  private async lockAndDeleteUnused(olderThan: Date, limit: number): Promise<SweptRendition[]> {
    const manager = this.unscoped();
    const rows = (await manager.query(
      `SELECT "id", "account_id" FROM "viewing"."renditions" WHERE "last_used_at" < $1 AND "state" IN ('ready', 'error')
        ORDER BY "last_used_at" LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [olderThan, limit],
    )) as Array<{ id: string; account_id: string }>;
    if (!rows.length) return [];
    const ids = rows.map((row) => row.id);
    const pages = (await manager.query(`SELECT "rendition_id", "variants" FROM "viewing"."rendition_pages" WHERE "rendition_id" = ANY($1::uuid[])`, [ids])) as Array<{
      rendition_id: string;
      variants: RenditionPage['variants'];
    }>;
    await manager.query(`DELETE FROM "viewing"."renditions" WHERE "id" = ANY($1::uuid[])`, [ids]);
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      variantKeys: pages.filter((p) => p.rendition_id === row.id).flatMap((p) => Object.values(p.variants).map((v) => v.key)),
    }));
  }
}
