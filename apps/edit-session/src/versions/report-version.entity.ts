import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One save from Word: the .docx and its PDF, both final (never staged) keys. */
@Entity('report_versions')
export class ReportVersion {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ name: 'lab_report_id', type: 'bigint' })
  labReportId: string;

  @Column({ name: 'edit_session_id', type: 'bigint' })
  editSessionId: string;

  @Column({ name: 'version_number', type: 'integer' })
  versionNumber: number;

  @Column({ name: 'docx_key', type: 'text' })
  docxKey: string;

  @Column({ name: 'pdf_key', type: 'text' })
  pdfKey: string;

  @Column({ name: 'docx_size', type: 'bigint' })
  docxSize: string;

  @Column({ name: 'pdf_size', type: 'bigint' })
  pdfSize: string;

  @Column({ name: 'docx_sha256', type: 'char', length: 64 })
  docxSha256: string;

  @Column({ name: 'pdf_sha256', type: 'char', length: 64 })
  pdfSha256: string;

  @Column({ name: 'uploaded_by', type: 'text' })
  uploadedBy: string;

  @Column({ name: 'uploaded_by_name', type: 'text' })
  uploadedByName: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
