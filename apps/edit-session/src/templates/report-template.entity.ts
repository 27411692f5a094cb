import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A .docx in object storage that a first edit of a report starts from. */
@Entity('report_templates')
export class ReportTemplate {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'docx_key', type: 'text' })
  docxKey: string;

  @Column({ name: 'docx_size', type: 'bigint' })
  docxSize: string;

  @Column({ name: 'docx_sha256', type: 'char', length: 64 })
  docxSha256: string;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
