import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { BASE_VARIANT, variantName } from '../renditions/page-variants';
import type { RenditionState } from '../renditions/rendition.entity';
import { PackageSource, ViewingPackage } from './viewing-package.entity';

const UUID = /^[0-9a-f-]{36}$/i;

/**
 * The rendition's state, page count and pages made (their base image, `png@1`) after a package's
 * columns, from packages `p` and their rendition `r` of the same account (none: nulls, 0).
 */
const WITH_RENDITION = `r."state", r."page_count",
    (SELECT count(*)::int FROM "viewing"."rendition_pages" g
      WHERE g."account_id" = p."account_id" AND g."rendition_id" = r."id" AND g."variants" ? '${variantName(BASE_VARIANT)}') AS "rendered_pages"
   FROM "viewing"."viewing_packages" p LEFT JOIN "viewing"."renditions" r ON r."id" = p."rendition_id" AND r."account_id" = p."account_id"`;

/** A live package with the state of its rendition (null: no rendition, e.g. awaiting its upload). */
export interface DescribedPackage {
  processId: string;
  documentId: string;
  state: RenditionState | null;
  source: PackageSource;
  createdAt: Date;
  expiresAt: Date;
  /** The rendition's page count, once known. */
  pageCount: number | null;
  /** Pages whose base image (`png@1`) is made. */
  renderedPages: number;
}

/** A package written over the account's package of the same documentId, with that one's source. */
export interface UpsertedPackage {
  processId: string;
  /** The source of the package this one replaced (its own upload goes with it). */
  replaced: PackageSource | null;
}

interface NewPackage {
  processId: string;
  documentId: string;
  renditionId: string | null;
  source: PackageSource;
  lifetimeSeconds: number;
}

interface DescribedRow {
  process_id: string;
  document_id: string;
  state: RenditionState | null;
  source: PackageSource;
  created_at: Date;
  expires_at: Date;
  page_count: number | null;
  rendered_pages: number;
}

/**
 * Viewing packages (one row per account + documentId), always by account. Joins read the
 * package's rendition of the same account. The expiry sweep is the one cross-account method.
 */
@Injectable()
export class ViewingPackagesRepository extends AccountScopedRepository<ViewingPackage> {
  constructor(db: TransactionHost) {
    super(db as Db, ViewingPackage);
  }

  /** A package of a document: a package of that documentId is replaced, its process id kept. */
  upsertForDocument(scope: AccountScope, created: NewPackage): Promise<UpsertedPackage> {
    return this.upsert(scope, created, false);
  }

  /** An upload package (no rendition yet): a package of that documentId is replaced, with a new process id. */
  upsertAwaitingUpload(scope: AccountScope, created: Omit<NewPackage, 'renditionId'>): Promise<UpsertedPackage> {
    return this.upsert(scope, { ...created, renditionId: null }, true);
  }

  /** Gives an awaiting, live upload package its rendition; false when the process is unknown or has its bytes already. */
  async attachUpload(scope: AccountScope, processId: string, renditionId: string, source: PackageSource): Promise<boolean> {
    if (!UUID.test(processId)) return false;
    const rows = await this.modify(
      scope,
      `UPDATE "viewing"."viewing_packages" SET "rendition_id" = $3, "source" = $4
        WHERE "account_id" = $1 AND "process_id" = $2 AND "rendition_id" IS NULL AND ("source" ->> 'awaitingUpload') = 'true' AND "expires_at" > now()
       RETURNING "process_id"`,
      [processId, renditionId, JSON.stringify(source)],
    );
    return rows.length > 0;
  }

  /** A live package whose rendition is ready. */
  async findReady(scope: AccountScope, documentId: string): Promise<{ renditionId: string; source: PackageSource; renderOptions: Record<string, unknown> } | undefined> {
    const [row] = await this.sql<{ rendition_id: string; source: PackageSource; render_options: Record<string, unknown> }>(
      scope,
      `SELECT p."rendition_id", p."source", r."render_options"
         FROM "viewing"."viewing_packages" p JOIN "viewing"."renditions" r ON r."id" = p."rendition_id" AND r."account_id" = p."account_id"
        WHERE p."account_id" = $1 AND p."document_id" = $2 AND p."expires_at" > now() AND r."state" = 'ready'`,
      [documentId],
    );
    return row && { renditionId: row.rendition_id, source: row.source, renderOptions: row.render_options };
  }

  /** A live package by process id or documentId, with its rendition's state and progress. */
  async describe(scope: AccountScope, by: { processId: string } | { documentId: string }): Promise<DescribedPackage | undefined> {
    if ('processId' in by && !UUID.test(by.processId)) return undefined;
    const [column, value] = 'processId' in by ? ['process_id', by.processId] : ['document_id', by.documentId];
    const [row] = await this.sql<DescribedRow>(
      scope,
      `SELECT p."process_id", p."document_id", p."source", p."created_at", p."expires_at", ${WITH_RENDITION}
        WHERE p."account_id" = $1 AND p."${column}" = $2 AND p."expires_at" > now()`,
      [value],
    );
    return row && described(row);
  }

  /** A package by process id, live or not (the creator's state stays readable until swept). */
  async processState(scope: AccountScope, processId: string): Promise<Pick<DescribedPackage, 'state' | 'pageCount' | 'renderedPages'> | undefined> {
    if (!UUID.test(processId)) return undefined;
    const [row] = await this.sql<Pick<DescribedRow, 'state' | 'page_count' | 'rendered_pages'>>(
      scope,
      `SELECT ${WITH_RENDITION}
        WHERE p."account_id" = $1 AND p."process_id" = $2`,
      [processId],
    );
    return row && { state: row.state, pageCount: row.page_count, renderedPages: row.rendered_pages };
  }

  /** Deletes the account's package of a documentId; answers its source, or undefined when there was none. */
  async delete(scope: AccountScope, documentId: string): Promise<PackageSource | undefined> {
    const [row] = await this.modify<{ source: PackageSource }>(
      scope,
      `DELETE FROM "viewing"."viewing_packages" WHERE "account_id" = $1 AND "document_id" = $2 RETURNING "source"`,
      [documentId],
    );
    return row?.source;
  }

  /**
   * Deletes up to `limit` expired packages of any account (the sweeper works for all; SKIP
   * LOCKED, so replicas share the work); answers their sources. Their renditions age out through
   * the renditions sweeper.
   */
  async deleteExpired(limit: number): Promise<PackageSource[]> {
    const rows = (await this.unscoped().query(
      `WITH gone AS (
         DELETE FROM "viewing"."viewing_packages" WHERE "process_id" IN (
           SELECT "process_id" FROM "viewing"."viewing_packages" WHERE "expires_at" < now() LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING "source")
       SELECT * FROM gone`,
      [limit],
    )) as Array<{ source: PackageSource }>;
    return rows.map((row) => row.source);
  }

  /**
   * Inserts the package, or replaces the account's package of its documentId — with a new
   * process id when `newProcessId` — and answers the replaced row's source as it was when locked.
   */
  private async upsert(scope: AccountScope, created: NewPackage, newProcessId: boolean): Promise<UpsertedPackage> {
    const { processId, documentId, renditionId, lifetimeSeconds } = created;
    const source = JSON.stringify(created.source);
    // A replaced row deleted between the two statements (rare) is inserted again.
    for (let attempt = 1; ; attempt += 1) {
      const [inserted] = await this.sql<{ process_id: string }>(
        scope,
        `INSERT INTO "viewing"."viewing_packages" ("process_id", "account_id", "document_id", "rendition_id", "source", "expires_at")
         SELECT $2, $1, $3, $4, $5, now() + make_interval(secs => $6)
          WHERE NOT EXISTS (SELECT 1 FROM "viewing"."viewing_packages" WHERE "account_id" = $1 AND "document_id" = $3)
         ON CONFLICT ("account_id", "document_id") DO NOTHING RETURNING "process_id"`,
        [processId, documentId, renditionId, source, lifetimeSeconds],
      );
      if (inserted) return { processId: inserted.process_id, replaced: null };
      // UPDATE … FROM a locked copy of the row: RETURNING answers the copy's values, from before the update.
      const [updated] = await this.modify<{ process_id: string; replaced: PackageSource }>(
        scope,
        `UPDATE "viewing"."viewing_packages" p
            SET "process_id" = CASE WHEN $6 THEN $5::uuid ELSE p."process_id" END, "rendition_id" = $3, "source" = $4,
                "created_at" = now(), "expires_at" = now() + make_interval(secs => $7)
           FROM (SELECT "process_id", "source" FROM "viewing"."viewing_packages" WHERE "account_id" = $1 AND "document_id" = $2 FOR UPDATE) old
          WHERE p."process_id" = old."process_id"
         RETURNING p."process_id", old."source" AS "replaced"`,
        [documentId, renditionId, source, processId, newProcessId, lifetimeSeconds],
      );
      if (updated) return { processId: updated.process_id, replaced: updated.replaced };
      if (attempt === 3) throw new Error(`The package of ${documentId} kept changing while it was replaced`);
    }
  }
}

function described(row: DescribedRow): DescribedPackage {
  return {
    processId: row.process_id,
    documentId: row.document_id,
    state: row.state,
    source: row.source,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    pageCount: row.page_count,
    renderedPages: row.rendered_pages,
  };
}
