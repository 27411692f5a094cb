import { Column, Entity, PrimaryColumn } from 'typeorm';
import { FileCategory, FileTargetType } from '@quire/contracts';

/** Bigint columns arrive from pg as strings; sizes fit a JS number. */
const bigintAsNumber = { to: (value: number) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

@Entity({ name: 'files' })
export class StoredFile {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'account_id' })
  accountId: string;

  @Column({ name: 'account_code' })
  accountCode: string;

  @Column()
  name: string;

  @Column()
  ext: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size: number;

  @Column({ name: 'content_type' })
  contentType: string;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'text' })
  category: FileCategory;

  @Column({ name: 'target_id' })
  targetId: string;

  @Column({ name: 'target_type', type: 'text' })
  targetType: FileTargetType;

  @Column({ name: 'creator_id' })
  creatorId: string;

  @Column({ name: 'creator_username' })
  creatorUsername: string;

  @Column({ name: 'creator_email', type: 'text', nullable: true })
  creatorEmail: string | null;

  @Column({ name: 'creator_full_name', type: 'text', nullable: true })
  creatorFullName: string | null;

  @Column()
  visible: boolean;

  @Column({ name: 'is_deletable' })
  isDeletable: boolean;

  @Column({ name: 'storage_key' })
  storageKey: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'modified_at', type: 'timestamptz' })
  modifiedAt: Date;
}
