import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AccountScope } from '@quire/platform';
import { ReadyPackage, Renditions, SourceObject, ViewingPackages } from '../renditions/renditions.api';

export interface PackageInfo {
  processId: string;
  documentId: string;
  state: 'queued' | 'processing' | 'complete' | 'error';
  percentComplete: number;
  /** An upload package whose SourceFile has not been put yet. */
  awaitingUpload: boolean;
  sourceType: 'document' | 'upload';
  fileName?: string;
  displayName?: string;
  lifetimeSeconds: number;
  expiresAt: Date;
}

/**
 * Viewing packages over renditions: one row per account + documentId (a new package replaces
 * the old one), ready when its rendition is; expired rows are swept (SKIP LOCKED).
 */
export class ViewingPackagesService extends ViewingPackages {
  constructor(
    private readonly db: DataSource,
    private readonly renditions: Renditions,
  ) {
    super();
  }

  async startForDocument(scope: AccountScope, documentId: string, source: SourceObject, lifetimeSeconds: number): Promise<{ processId: string }> {
    const { renditionId } = await this.renditions.start(scope, source);
    const rows: Array<{ process_id: string }> = await this.db.query(
      `INSERT INTO "viewing"."viewing_packages" ("process_id", "account_id", "document_id", "rendition_id", "source", "expires_at")
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
       ON CONFLICT ("account_id", "document_id") DO UPDATE
         SET "rendition_id" = EXCLUDED."rendition_id", "source" = EXCLUDED."source", "created_at" = now(), "expires_at" = EXCLUDED."expires_at"
       RETURNING "process_id"`,
      [randomUUID(), scope.accountId, documentId, renditionId, JSON.stringify(source), lifetimeSeconds],
    );
    return { processId: rows[0]!.process_id };
  }

  async findReady(scope: AccountScope, documentId: string): Promise<ReadyPackage | undefined> {
    const rows: Array<{ rendition_id: string; source: SourceObject; render_options: Record<string, unknown> }> = await this.db.query(
      `SELECT p."rendition_id", p."source", r."render_options"
         FROM "viewing"."viewing_packages" p JOIN "viewing"."renditions" r ON r."id" = p."rendition_id" AND r."account_id" = p."account_id"
        WHERE p."account_id" = $1 AND p."document_id" = $2 AND p."expires_at" > now() AND r."state" = 'ready'`,
      [scope.accountId, documentId],
    );
    const row = rows[0];
    return row ? { renditionId: row.rendition_id, source: row.source, render: row.render_options } : undefined;
  }

  /**
   * An `upload` package: the row exists before its bytes (no rendition yet, `source.awaitingUpload`);
   * `attachUpload` gives it one. A new creator of the same documentId replaces the old row.
   */
  async awaitUpload(scope: AccountScope, documentId: string, displayName: string | undefined, lifetimeSeconds: number): Promise<{ processId: string }> {
    const rows: Array<{ process_id: string }> = await this.db.query(
      `INSERT INTO "viewing"."viewing_packages" ("process_id", "account_id", "document_id", "rendition_id", "source", "expires_at")
       VALUES ($1, $2, $3, NULL, $4, now() + make_interval(secs => $5))
       ON CONFLICT ("account_id", "document_id") DO UPDATE
         SET "process_id" = EXCLUDED."process_id", "rendition_id" = NULL, "source" = EXCLUDED."source", "created_at" = now(), "expires_at" = EXCLUDED."expires_at"
       RETURNING "process_id"`,
      [randomUUID(), scope.accountId, documentId, JSON.stringify({ awaitingUpload: true, upload: true, ...(displayName ? { displayName } : {}) }), lifetimeSeconds],
    );
    return { processId: rows[0]!.process_id };
  }

  /** Starts the rendition of an awaiting upload package; false when the process is unknown or has its bytes already. */
  async attachUpload(scope: AccountScope, processId: string, source: SourceObject, displayName?: string): Promise<boolean> {
    const { renditionId } = await this.renditions.start(scope, source);
    const rows: Array<{ process_id: string }> = await this.db.query(
      `UPDATE "viewing"."viewing_packages" SET "rendition_id" = $3, "source" = $4
        WHERE "account_id" = $1 AND "process_id" = $2 AND "rendition_id" IS NULL AND ("source" ->> 'awaitingUpload') = 'true' AND "expires_at" > now()
       RETURNING "process_id"`,
      [scope.accountId, processId, renditionId, JSON.stringify({ ...source, upload: true, ...(displayName ? { displayName } : {}) })],
    );
    return rows.length > 0;
  }

  /** A live package row with its creator's state, by process id or by documentId. */
  async describe(scope: AccountScope, by: { processId: string } | { documentId: string }): Promise<PackageInfo | undefined> {
    const [column, value] = 'processId' in by ? ['process_id', by.processId] : ['document_id', by.documentId];
    const rows: Array<{ process_id: string; document_id: string; state: string | null; source: Record<string, unknown>; created_at: Date; expires_at: Date }> = await this.db.query(
      `SELECT p."process_id", p."document_id", r."state", p."source", p."created_at", p."expires_at"
         FROM "viewing"."viewing_packages" p LEFT JOIN "viewing"."renditions" r ON r."id" = p."rendition_id" AND r."account_id" = p."account_id"
        WHERE p."account_id" = $1 AND p."${column}" = $2 AND p."expires_at" > now()`,
      [scope.accountId, value],
    );
    const row = rows[0];
    if (!row) return undefined;
    const awaitingUpload = row.state === null && row.source['awaitingUpload'] === true;
    const state: PackageInfo['state'] = awaitingUpload ? 'queued' : row.state === 'ready' ? 'complete' : row.state === 'queued' || row.state === 'processing' ? row.state : 'error';
    return {
      processId: row.process_id,
      documentId: row.document_id,
      state,
      percentComplete: state === 'complete' ? 100 : state === 'processing' ? 50 : 0,
      awaitingUpload,
      sourceType: row.source['upload'] === true ? 'upload' : 'document',
      ...(typeof row.source['fileName'] === 'string' ? { fileName: row.source['fileName'] } : {}),
      ...(typeof row.source['displayName'] === 'string' ? { displayName: row.source['displayName'] } : {}),
      lifetimeSeconds: Math.round((row.expires_at.getTime() - row.created_at.getTime()) / 1000),
      expiresAt: row.expires_at,
    };
  }

  /** State of a package creator process (queued | processing | complete | error). */
  async process(scope: AccountScope, processId: string): Promise<{ state: string; percentComplete: number } | undefined> {
    const rows: Array<{ state: string | null }> = await this.db.query(
      `SELECT r."state" FROM "viewing"."viewing_packages" p LEFT JOIN "viewing"."renditions" r ON r."id" = p."rendition_id"
        WHERE p."account_id" = $1 AND p."process_id" = $2`,
      [scope.accountId, processId],
    );
    if (!rows[0]) return undefined;
    const state = rows[0].state === 'ready' ? 'complete' : (rows[0].state ?? 'error');
    return { state, percentComplete: state === 'complete' ? 100 : state === 'processing' ? 50 : 0 };
  }

  async delete(scope: AccountScope, documentId: string): Promise<boolean> {
    const rows: Array<{ process_id: string }> = await this.db.query(
      `WITH gone AS (DELETE FROM "viewing"."viewing_packages" WHERE "account_id" = $1 AND "document_id" = $2 RETURNING "process_id") SELECT * FROM gone`,
      [scope.accountId, documentId],
    );
    return rows.length > 0;
  }

  /** Deletes expired packages (their renditions age out through the renditions sweeper). */
  async sweep(limit = 500): Promise<number> {
    const rows: Array<{ process_id: string }> = await this.db.query(
      `WITH gone AS (
         DELETE FROM "viewing"."viewing_packages" WHERE "process_id" IN (
           SELECT "process_id" FROM "viewing"."viewing_packages" WHERE "expires_at" < now() LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING "process_id")
       SELECT * FROM gone`,
      [limit],
    );
    return rows.length;
  }
}
