import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A lab report of one account; Word edits of it become ReportVersions. */
@Entity('lab_reports')
export class LabReport {
  /** bigint identity: TypeORM reads it as a string; the wire shows numbers. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  /** Last `sequence` given to an event of this report's room (clients order events by it). */
  @Column({ name: 'event_sequence', type: 'bigint', default: 0 })
  eventSequence: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
