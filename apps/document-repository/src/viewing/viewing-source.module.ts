import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ViewingSourceReply, ViewingSourceSubjects } from '@quire/contracts';
import { AccountScope, AccountScopedRepository, Db, ViewingSourceLookup, viewingSourceModule } from '@quire/platform';
import { Project } from '../projects/project.entities';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A document (its current version) or one numbered version, as a viewing session's `document`
 * source (`docrepo:<documentId>[@<n>]`). Reads docrepo's documents / document_versions only.
 * (The entity argument is unused: every query here is raw SQL through the scoped `sql` helper.)
 */
@Injectable()
export class ViewingSourceRepository extends AccountScopedRepository<Project> implements ViewingSourceLookup {
  constructor(db: TransactionHost) {
    super(db as Db, Project);
  }

  async find(scope: AccountScope, documentId: string, version?: number): Promise<ViewingSourceReply | undefined> {
    // Account and document ids are uuids here: anything else names nothing (and never reaches a cast).
    if (!UUID.test(documentId) || !UUID.test(scope.accountId)) return undefined;
    const [row] = await this.sql<{ s3_key: string; size: string; sha256: string; content_type: string; name: string }>(
      scope,
      `SELECT v.s3_key, v.size, v.sha256, v.content_type, d.name
       FROM "docrepo"."documents" d
       JOIN "docrepo"."document_versions" v ON v.account_id = d.account_id AND v.document_id = d.id
       WHERE d.account_id = $1::uuid AND d.id = $2::uuid
         AND (CASE WHEN $3::int IS NULL THEN v.id = d.current_version_id ELSE v.number = $3::int END)`,
      [documentId, version ?? null],
    );
    return row && { objectKey: row.s3_key, sizeBytes: Number(row.size), sha256: row.sha256, contentType: row.content_type, name: row.name };
  }
}

/** `svc.document-repository.viewing_source.resolve` for the viewing service (libs/contracts/src/viewing). */
export const ViewingSourceModule = viewingSourceModule({
  subject: ViewingSourceSubjects.documentRepository,
  lookup: ViewingSourceRepository,
  notFound: 'Document',
});
