import { Injectable } from '@nestjs/common';
import { CreateLabReportRequest, LabReportReply, ListRequest, Principal } from '@quire/contracts';
import { Wire } from '../wire';
import { ReportsRepository } from './reports.repository';

/** Lab reports of the caller's account: enough to use the Word edit flow. */
@Injectable()
export class ReportsService {
  constructor(private readonly reports: ReportsRepository) {}

  async create(principal: Principal, request: CreateLabReportRequest): Promise<LabReportReply> {
    return Wire.report(await this.reports.create(principal, { title: request.title, createdBy: principal.userId }), null);
  }

  async list(principal: Principal, request: ListRequest): Promise<LabReportReply[]> {
    const reports = await this.reports.list(principal, { beforeId: request.before_id, limit: request.limit });
    const latest = await this.reports.latestVersionIds(principal, reports.map((report) => report.id));
    return reports.map((report) => Wire.report(report, latest.get(report.id) ?? null));
  }
}
