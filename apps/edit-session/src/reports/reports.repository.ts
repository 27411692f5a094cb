import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ReportTemplate } from '../templates/report-template.entity';
import { ReportVersion } from '../versions/report-version.entity';
import { LabReport } from './lab-report.entity';

/** Reads shared by sessions and versions; every query takes the account id. */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  findReport(accountId: string, id: number | string, manager?: EntityManager): Promise<LabReport | null> {
    return this.manager(manager).findOne(LabReport, { where: { accountId, id: String(id) } });
  }

  findTemplate(accountId: string, id: number | string, manager?: EntityManager): Promise<ReportTemplate | null> {
    return this.manager(manager).findOne(ReportTemplate, { where: { accountId, id: String(id) } });
  }

  latestVersion(accountId: string, labReportId: string, manager?: EntityManager): Promise<ReportVersion | null> {
    return this.manager(manager).findOne(ReportVersion, { where: { accountId, labReportId }, order: { versionNumber: 'DESC' } });
  }

  /** Is `key` a .docx this account owns (a template's or a version's)? */
  async ownsDocx(accountId: string, key: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM "edit_session"."report_templates" WHERE "account_id" = $1 AND "docx_key" = $2
       UNION ALL
       SELECT 1 FROM "edit_session"."report_versions" WHERE "account_id" = $1 AND "docx_key" = $2
       LIMIT 1`,
      [accountId, key],
    );
    return rows.length > 0;
  }
}
