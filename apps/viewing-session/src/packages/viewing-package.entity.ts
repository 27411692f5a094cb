import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A viewing package: an account's rendition kept under its `documentId` until `expiresAt`. An
 * upload package exists before its bytes (`source.awaitingUpload`, no rendition yet).
 */
@Entity({ name: 'viewing_packages' })
export class ViewingPackage {
  @PrimaryColumn({ name: 'process_id', type: 'uuid' })
  processId: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'document_id', type: 'text' })
  documentId: string;

  @Column({ name: 'rendition_id', type: 'uuid', nullable: true })
  renditionId: string | null;

  @Column({ type: 'jsonb' })
  source: PackageSource;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}

/** What a package was made from: a `SourceObject`, plus `upload` / `awaitingUpload` / `displayName`. */
export type PackageSource = Record<string, unknown>;
