import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user_document file shared with another user of the same account. */
@Entity({ name: 'file_shares' })
export class FileShare {
  @PrimaryColumn({ name: 'file_id', type: 'uuid' })
  fileId: string;

  @PrimaryColumn({ name: 'shared_with' })
  sharedWith: string;

  @Column({ name: 'account_id' })
  accountId: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
