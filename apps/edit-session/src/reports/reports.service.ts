import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { CreateLabReportRequest, LabReportReply, ListRequest, Principal } from '@quire/contracts';
import { Wire } from '../wire';
import { LabReport } from './lab-report.entity';

/** Lab reports of the caller's account: enough to use the Word edit flow. */
@Injectable()
export class ReportsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(principal: Principal, request: CreateLabReportRequest): Promise<LabReportReply> {
    const manager = this.dataSource.manager;
    const saved = await manager.save(manager.create(LabReport, { accountId: principal.accountId, title: request.title, createdBy: principal.userId }));
    return Wire.report(await manager.findOneOrFail(LabReport, { where: { id: saved.id } }), null);
  }

  async list(principal: Principal, request: ListRequest): Promise<LabReportReply[]> {
    const reports = await this.dataSource.manager.find(LabReport, {
      where: { accountId: principal.accountId, ...(request.before_id ? { id: LessThan(String(request.before_id)) } : {}) },
      order: { id: 'DESC' },
      take: request.limit ?? 50,
    });
    if (!reports.length) return [];
    const latest: Array<{ lab_report_id: string; id: string }> = await this.dataSource.query(
      `SELECT DISTINCT ON ("lab_report_id") "lab_report_id", "id" FROM "edit_session"."report_versions"
        WHERE "account_id" = $1 AND "lab_report_id" = ANY($2::bigint[]) ORDER BY "lab_report_id", "version_number" DESC`,
      [principal.accountId, reports.map((report) => report.id)],
    );
    const byReport = new Map(latest.map((row) => [String(row.lab_report_id), String(row.id)]));
    return reports.map((report) => Wire.report(report, byReport.get(report.id) ?? null));
  }
}

