import { LabReportReply, TemplateReply, VersionReply } from '@quire/contracts';
import { LabReport } from './reports/lab-report.entity';
import { s3Uri } from './storage/storage-keys';
import { ReportTemplate } from './templates/report-template.entity';
import { ReportVersion } from './versions/report-version.entity';

/** Entities as the word-edit wire shows them: numeric ids, epoch-ms dates, s3:// paths. */
export const Wire = {
  report: (report: LabReport, latestVersionId: string | null): LabReportReply => ({
    id: Number(report.id),
    title: report.title,
    created_at: report.createdAt.getTime(),
    updated_at: report.updatedAt.getTime(),
    latest_version_id: latestVersionId === null ? null : Number(latestVersionId),
  }),
  template: (bucket: string, template: ReportTemplate): TemplateReply => ({
    id: Number(template.id),
    name: template.name,
    word_s3_filepath: s3Uri(bucket, template.docxKey),
    size: Number(template.docxSize),
    sha256: template.docxSha256,
    created_at: template.createdAt.getTime(),
  }),
  version: (bucket: string, version: ReportVersion): VersionReply => ({
    id: Number(version.id),
    version_number: version.versionNumber,
    edit_id: Number(version.editSessionId),
    word_s3_path: s3Uri(bucket, version.docxKey),
    pdf_s3_path: s3Uri(bucket, version.pdfKey),
    word_size: Number(version.docxSize),
    pdf_size: Number(version.pdfSize),
    word_sha256: version.docxSha256,
    pdf_sha256: version.pdfSha256,
    uploaded_by: version.uploadedBy,
    uploaded_by_name: version.uploadedByName,
    created_at: version.createdAt.getTime(),
  }),
};

/** The name recorded as author / uploader. */
export function displayNameOf(principal: { displayName?: string; loginName?: string; userId: string }): string {
  return principal.displayName || principal.loginName || principal.userId;
}
