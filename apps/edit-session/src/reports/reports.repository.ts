import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { EntityManager, LessThan } from 'typeorm';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { ReportVersion } from '../versions/report-version.entity';
import { LabReport } from './lab-report.entity';

/** Lab reports (and the reads of their versions that sessions and rooms need); every method takes the account. */
@Injectable()
export class ReportsRepository extends AccountScopedRepository<LabReport> {
  constructor(db: TransactionHost) {
    super(db as Db, LabReport);
  }

  async findReport(scope: AccountScope, id: number | string): Promise<LabReport | null> {
    return (await this.findOne(scope, { id: String(id) })) ?? null;
  }

  async create(scope: AccountScope, report: { title: string; createdBy: string }): Promise<LabReport> {
    const created = await this.rows().save(this.rows().create({ accountId: scope.accountId, ...report }));
    return (await this.findOne(scope, { id: created.id }))!;
  }

  /** A page of the account's reports, newest first. */
  list(scope: AccountScope, page: { beforeId?: number; limit?: number }): Promise<LabReport[]> {
    return this.rows().find({
      where: this.scoped(scope, page.beforeId ? { id: LessThan(String(page.beforeId)) } : {}),
      order: { id: 'DESC' },
      take: page.limit ?? 50,
    });
  }

  /** The newest version's id of each report in `labReportIds` that has one. */
  async latestVersionIds(scope: AccountScope, labReportIds: string[]): Promise<Map<string, string>> {
    if (!labReportIds.length) return new Map();
    const rows = await this.sql<{ lab_report_id: string; id: string }>(
      scope,
      `SELECT DISTINCT ON ("lab_report_id") "lab_report_id", "id" FROM "edit_session"."report_versions"
        WHERE "account_id" = $1 AND "lab_report_id" = ANY($2::bigint[]) ORDER BY "lab_report_id", "version_number" DESC`,
      [labReportIds],
    );
    return new Map(rows.map((row) => [String(row.lab_report_id), String(row.id)]));
  }

  /** The report's newest version; `manager` for a caller still in a DataSource transaction of its own. */
  async latestVersion(scope: AccountScope, labReportId: string, manager?: EntityManager): Promise<ReportVersion | null> {
    return (manager ?? this.db.tx).findOne(ReportVersion, {
      where: { accountId: scope.accountId, labReportId },
      order: { versionNumber: 'DESC' },
    });
  }

  /** Is `key` a .docx this account owns (a template's or a version's)? */
  async ownsDocx(scope: AccountScope, key: string): Promise<boolean> {
    const rows = await this.sql(
      scope,
      `SELECT 1 FROM "edit_session"."report_templates" WHERE "account_id" = $1 AND "docx_key" = $2
       UNION ALL
       SELECT 1 FROM "edit_session"."report_versions" WHERE "account_id" = $1 AND "docx_key" = $2
       LIMIT 1`,
      [key],
    );
    return rows.length > 0;
  }

  /**
   * The next `sequence` of the report's room. Its row lock orders concurrent writers of one
   * report the way they commit (call it inside the transaction that records the event).
   */
  async nextEventSequence(scope: AccountScope, labReportId: string): Promise<number> {
    const [row] = await this.modify<{ event_sequence: string }>(
      scope,
      `UPDATE "edit_session"."lab_reports" SET "event_sequence" = "event_sequence" + 1, "updated_at" = now()
         WHERE "account_id" = $1 AND "id" = $2 RETURNING "event_sequence"`,
      [labReportId],
    );
    return Number(row?.event_sequence ?? 0);
  }
}
