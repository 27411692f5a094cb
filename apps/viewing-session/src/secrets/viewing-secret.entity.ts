import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An account's Accusoft-Secret: only its sha256 is kept. One per account; rotating replaces it. */
@Entity({ name: 'viewing_secrets' })
export class ViewingSecret {
  @PrimaryColumn({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ name: 'secret_id', type: 'text' })
  secretId: string;

  @Column({ name: 'secret_hash', type: 'text' })
  secretHash: string;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
