import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { DocumentRow } from '../shared/docrepo.entities';

export interface DocumentVersion {
  id: string;
  documentId: string;
  number: number;
  s3Key: string;
  size: number;
  sha256: string;
  contentType: string;
  uploadedBy: string;
  createdAt: Date;
}

/** A document with its current version (one row: documents joined to document_versions). */
export interface StoredDocument {
  id: string;
  projectId: string;
  name: string;
  folderId: string | null;
  contentType: string;
  dedup: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: DocumentVersion;
}

const VERSION_JSON = `json_build_object('id', v.id, 'documentId', v.document_id, 'number', v.number, 's3Key', v.s3_key, 'size', v.size,
  'sha256', v.sha256, 'contentType', v.content_type, 'uploadedBy', v.uploaded_by, 'createdAt', v.created_at)`;
const DOCUMENT_COLUMNS = `d.id, d.project_id AS "projectId", d.name, d.folder_id AS "folderId", d.content_type AS "contentType", d.dedup,
  d.created_by AS "createdBy", d.created_at AS "createdAt", d.updated_at AS "updatedAt", ${VERSION_JSON} AS version`;
const FROM_DOCUMENTS = `"docrepo"."documents" d JOIN "docrepo"."document_versions" v ON v.account_id = d.account_id AND v.id = d.current_version_id`;
const VERSION_COLUMNS = `id, document_id AS "documentId", number, s3_key AS "s3Key", size::float8 AS size, sha256, content_type AS "contentType",
  uploaded_by AS "uploadedBy", created_at AS "createdAt"`;

export interface DocumentFilter {
  folderId?: string;
  afterDate?: Date;
}

/** Documents and their numbered versions (one aggregate). */
@Injectable()
export class DocumentsRepository extends AccountScopedRepository<DocumentRow> {
  constructor(db: TransactionHost) {
    super(db as Db, DocumentRow);
  }

  /**
   * One page of a project's documents with their current versions: two statements whatever the
   * page size (a count and the page; no query per document).
   */
  async list(scope: AccountScope, projectId: string, filter: DocumentFilter, page: { limit: number; offset: number }): Promise<{ items: StoredDocument[]; total: number }> {
    const where = `d.account_id = $1 AND d.project_id = $2 AND ($3::uuid IS NULL OR d.folder_id = $3) AND ($4::timestamptz IS NULL OR d.updated_at > $4)`;
    const params = [projectId, filter.folderId ?? null, filter.afterDate ?? null];
    const [count] = await this.sql<{ n: string }>(scope, `SELECT count(*) AS n FROM "docrepo"."documents" d WHERE ${where}`, params);
    const items = await this.sql<StoredDocument>(
      scope,
      `SELECT ${DOCUMENT_COLUMNS} FROM ${FROM_DOCUMENTS} WHERE ${where} ORDER BY d.created_at, d.id LIMIT $5 OFFSET $6`,
      [...params, page.limit, page.offset],
    );
    return { items: items.map(normalized), total: Number(count!.n) };
  }

  async find(scope: AccountScope, projectId: string, id: string): Promise<StoredDocument | undefined> {
    const [row] = await this.sql<StoredDocument>(scope, `SELECT ${DOCUMENT_COLUMNS} FROM ${FROM_DOCUMENTS} WHERE d.account_id = $1 AND d.project_id = $2 AND d.id = $3`, [projectId, id]);
    return row && normalized(row);
  }

  /** Locks the document row (versions are added and removed under it). */
  async lock(scope: AccountScope, projectId: string, id: string): Promise<boolean> {
    const rows = await this.sql(scope, `SELECT id FROM "docrepo"."documents" WHERE account_id = $1 AND project_id = $2 AND id = $3 FOR UPDATE`, [projectId, id]);
    return rows.length > 0;
  }

  /**
   * Serialises every upload of the same bytes into one project until the caller's transaction
   * ends, flagged or not: the duplicate check and the insert then see each other (ADR 010).
   */
  async lockContent(scope: AccountScope, projectId: string, sha256: string): Promise<void> {
    await this.sql(
      scope,
      `SELECT pg_advisory_xact_lock(hashtextextended(p.account_id::text || ':' || p.id::text || ':' || $3, 0)) FROM "docrepo"."projects" p WHERE p.account_id = $1 AND p.id = $2`,
      [projectId, sha256],
    );
  }

  /** A document of the project whose current bytes have this sha256 (the oldest). */
  async withContent(scope: AccountScope, projectId: string, sha256: string, exceptId?: string): Promise<{ id: string; name: string } | undefined> {
    const [row] = await this.sql<{ id: string; name: string }>(
      scope,
      `SELECT id, name FROM "docrepo"."documents" WHERE account_id = $1 AND project_id = $2 AND current_sha256 = $3 AND ($4::uuid IS NULL OR id <> $4)
        ORDER BY created_at, id LIMIT 1`,
      [projectId, sha256, exceptId ?? null],
    );
    return row;
  }

  async insertDocument(
    scope: AccountScope,
    document: { id: string; projectId: string; folderId: string | null; name: string; contentType: string; versionId: string; sha256: string; dedup: boolean; createdBy: string },
  ): Promise<void> {
    await this.sql(
      scope,
      `INSERT INTO "docrepo"."documents" (id, account_id, project_id, folder_id, name, content_type, current_version_id, current_sha256, dedup, created_by)
       SELECT $2, p.account_id, p.id, $4, $5, $6, $7, $8, $9, $10 FROM "docrepo"."projects" p WHERE p.account_id = $1 AND p.id = $3`,
      [document.id, document.projectId, document.folderId, document.name, document.contentType, document.versionId, document.sha256, document.dedup, document.createdBy],
    );
  }

  /** Adds version `max + 1` (the caller holds the document lock, or just inserted the document). */
  async insertVersion(
    scope: AccountScope,
    version: { id: string; documentId: string; s3Key: string; size: number; sha256: string; contentType: string; uploadedBy: string },
  ): Promise<DocumentVersion> {
    const [row] = await this.sql<DocumentVersion>(
      scope,
      `INSERT INTO "docrepo"."document_versions" (id, account_id, document_id, number, s3_key, size, sha256, content_type, uploaded_by)
       SELECT $2, $1, $3, COALESCE((SELECT max(number) FROM "docrepo"."document_versions" WHERE account_id = $1 AND document_id = $3), 0) + 1, $4, $5, $6, $7, $8
       RETURNING ${VERSION_COLUMNS}`,
      [version.id, version.documentId, version.s3Key, version.size, version.sha256, version.contentType, version.uploadedBy],
    );
    return row!;
  }

  async setCurrent(scope: AccountScope, documentId: string, version: { id: string; sha256: string; contentType: string }, dedup: boolean): Promise<void> {
    await this.sql(
      scope,
      `UPDATE "docrepo"."documents" SET current_version_id = $3, current_sha256 = $4, content_type = $5, dedup = $6, updated_at = now()
        WHERE account_id = $1 AND id = $2`,
      [documentId, version.id, version.sha256, version.contentType, dedup],
    );
  }

  async move(scope: AccountScope, projectId: string, id: string, folderId: string): Promise<void> {
    await this.sql(scope, `UPDATE "docrepo"."documents" SET folder_id = $4, updated_at = now() WHERE account_id = $1 AND project_id = $2 AND id = $3`, [projectId, id, folderId]);
  }

  async rename(scope: AccountScope, projectId: string, id: string, name: string): Promise<void> {
    await this.sql(scope, `UPDATE "docrepo"."documents" SET name = $4, updated_at = now() WHERE account_id = $1 AND project_id = $2 AND id = $3`, [projectId, id, name]);
  }

  /** Deletes the document and its versions; answers the object keys to delete after commit. */
  async delete(scope: AccountScope, projectId: string, id: string): Promise<string[]> {
    const keys = await this.sql<{ s3Key: string }>(scope, `SELECT s3_key AS "s3Key" FROM "docrepo"."document_versions" WHERE account_id = $1 AND document_id = $2`, [id]);
    await this.sql(scope, `DELETE FROM "docrepo"."documents" WHERE account_id = $1 AND project_id = $2 AND id = $3`, [projectId, id]);
    return keys.map((row) => row.s3Key);
  }

  versions(scope: AccountScope, documentId: string): Promise<DocumentVersion[]> {
    return this.sql(scope, `SELECT ${VERSION_COLUMNS} FROM "docrepo"."document_versions" WHERE account_id = $1 AND document_id = $2 ORDER BY number`, [documentId]);
  }

  async version(scope: AccountScope, documentId: string, versionId: string): Promise<DocumentVersion | undefined> {
    const [row] = await this.sql<DocumentVersion>(scope, `SELECT ${VERSION_COLUMNS} FROM "docrepo"."document_versions" WHERE account_id = $1 AND document_id = $2 AND id = $3`, [documentId, versionId]);
    return row;
  }

  async deleteVersion(scope: AccountScope, versionId: string): Promise<void> {
    await this.sql(scope, `DELETE FROM "docrepo"."document_versions" WHERE account_id = $1 AND id = $2`, [versionId]);
  }

  /**
   * Makes the highest-numbered version current. A flagged document keeps its flag only while no
   * other flagged document of the project has these bytes (the unique index would refuse it).
   */
  async resetCurrent(scope: AccountScope, projectId: string, documentId: string): Promise<void> {
    await this.sql(
      scope,
      `WITH latest AS (SELECT id, sha256, content_type FROM "docrepo"."document_versions" WHERE account_id = $1 AND document_id = $3 ORDER BY number DESC LIMIT 1)
       UPDATE "docrepo"."documents" d SET current_version_id = latest.id, current_sha256 = latest.sha256, content_type = latest.content_type, updated_at = now(),
         dedup = d.dedup AND NOT EXISTS (SELECT 1 FROM "docrepo"."documents" o WHERE o.account_id = $1 AND o.project_id = $2 AND o.dedup AND o.current_sha256 = latest.sha256 AND o.id <> d.id)
       FROM latest WHERE d.account_id = $1 AND d.id = $3`,
      [projectId, documentId],
    );
  }
}

/** pg returns bigint sizes inside json as numbers already; dates inside json as strings. */
function normalized(row: StoredDocument): StoredDocument {
  return { ...row, version: { ...row.version, size: Number(row.version.size), createdAt: new Date(row.version.createdAt) } };
}
