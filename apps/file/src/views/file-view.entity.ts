import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One hit on a signed view link (the audit trail DESIGN asks for). */
@Entity({ name: 'file_views' })
export class FileView {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'file_id', type: 'uuid' })
  fileId: string;

  @Column({ name: 'account_id' })
  accountId: string;

  /** `WxH` for a resized image, null for the original bytes. */
  @Column({ type: 'text', nullable: true })
  variant: string | null;

  @Column({ name: 'viewed_at', type: 'timestamptz', default: () => 'now()' })
  viewedAt: Date;
}
