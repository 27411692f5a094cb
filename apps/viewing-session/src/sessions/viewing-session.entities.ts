import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SourceFileSlot, ViewingSourceType, WatermarkBody } from '@quire/contracts';

@Entity({ name: 'viewing_sessions' })
export class ViewingSession {
  @PrimaryColumn('text')
  id: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ type: 'text' })
  kind: 'single' | 'comparison';

  @Column({ name: 'source_type', type: 'text' })
  sourceType: ViewingSourceType;

  @Column({ name: 'document_id', type: 'text', nullable: true })
  documentId: string | null;

  @Column({ type: 'jsonb' })
  watermarks: WatermarkBody[];

  @Column({ type: 'jsonb' })
  render: Record<string, unknown>;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}

const bigintAsNumber = { to: (value: number | null) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

@Entity({ name: 'viewing_session_sources' })
export class ViewingSessionSource {
  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @PrimaryColumn({ name: 'session_id', type: 'text' })
  sessionId: string;

  @PrimaryColumn({ type: 'text' })
  slot: SourceFileSlot;

  @Column({ name: 'source_type', type: 'text' })
  sourceType: Exclude<ViewingSourceType, 'comparison'>;

  @Column({ type: 'text', nullable: true })
  reference: string | null;

  @Column({ name: 'object_key', type: 'text', nullable: true })
  objectKey: string | null;

  @Column({ name: 'size_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  sizeBytes: number | null;

  @Column({ type: 'text', nullable: true })
  sha256: string | null;

  @Column({ name: 'content_type', type: 'text', nullable: true })
  contentType: string | null;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ name: 'rendition_id', type: 'text', nullable: true })
  renditionId: string | null;

  @Column({ type: 'boolean' })
  owned: boolean;

  @Column({ name: 'received_at', type: 'timestamptz', nullable: true })
  receivedAt: Date | null;
}
