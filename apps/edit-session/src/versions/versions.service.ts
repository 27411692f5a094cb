import { Injectable } from '@nestjs/common';
import { Principal, VersionFileRequest, VersionFileUrlReply, VersionReply } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { ObjectStorage } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';
import { ReportsRepository } from '../reports/reports.repository';
import { Wire } from '../wire';
import { VersionsRepository } from './versions.repository';

/** A report's version history (the agent's saves are ReserveAgentUpload / CommitAgentUpload). */
@Injectable()
export class VersionsService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly versions: VersionsRepository,
    private readonly storage: ObjectStorage,
    private readonly env: EditSessionEnv,
  ) {}

  async list(principal: Principal, labReportId: number): Promise<VersionReply[]> {
    const report = await this.reports.findReport(principal, labReportId);
    if (!report) throw DomainError.notFound('Lab report', { reason: 'lab report not found' });
    const versions = await this.versions.list(principal, report.id);
    return versions.map((version) => Wire.version(this.storage.bucket, version));
  }

  async fileUrl(principal: Principal, request: VersionFileRequest): Promise<VersionFileUrlReply> {
    const version = await this.versions.find(principal, String(request.lab_report_id), String(request.version_id));
    if (!version) throw DomainError.notFound('Report version', { reason: 'version not found' });
    const key = request.kind === 'docx' ? version.docxKey : version.pdfKey;
    const seconds = this.env.EDIT_SESSION_PRESIGN_SECONDS;
    const url = await this.storage.presignGet(key, seconds, `report-${version.labReportId}-v${version.versionNumber}.${request.kind}`);
    return { url, expires_in_seconds: seconds };
  }
}
