import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ViewingSourceReply, ViewingSourceSubjects } from '@quire/contracts';
import { AccountScope, AccountScopedRepository, Db, ViewingSourceLookup, viewingSourceModule } from '@quire/platform';
import { ReportVersion } from '../versions/report-version.entity';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A lab report version's .docx, as a viewing session's `document` source (`labreport:<id>[@<n>]`). */
@Injectable()
export class ViewingSourceRepository extends AccountScopedRepository<ReportVersion> implements ViewingSourceLookup {
  constructor(db: TransactionHost) {
    super(db as Db, ReportVersion);
  }

  /** Version `version` of the report, or its latest when none is named. */
  async find(scope: AccountScope, reportId: string, version?: number): Promise<ViewingSourceReply | undefined> {
    if (!/^\d{1,18}$/.test(reportId)) return undefined;
    const [row] = await this.sql<{ docx_key: string; docx_size: string; docx_sha256: string; version_number: number }>(
      scope,
      `SELECT docx_key, docx_size, docx_sha256, version_number FROM "edit_session"."report_versions"
       WHERE account_id = $1 AND lab_report_id = $2::bigint AND ($3::int IS NULL OR version_number = $3::int)
       ORDER BY version_number DESC LIMIT 1`,
      [reportId, version ?? null],
    );
    return (
      row && {
        objectKey: row.docx_key,
        sizeBytes: Number(row.docx_size),
        sha256: row.docx_sha256.trim(),
        contentType: DOCX,
        name: `labreport-${reportId}-v${row.version_number}.docx`,
      }
    );
  }
}

/** `svc.edit-session.viewing_source.resolve` for the viewing service (libs/contracts/src/viewing). */
export const ViewingSourceModule = viewingSourceModule({
  subject: ViewingSourceSubjects.labReport,
  lookup: ViewingSourceRepository,
  notFound: 'Report version',
});
