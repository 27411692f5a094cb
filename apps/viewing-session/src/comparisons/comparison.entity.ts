import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DiffCarry } from './word-diff';

export type ComparisonState = 'running' | 'complete' | 'error';

/** The comparison of a comparison session's two renditions: progress, carried words, lease. */
@Entity({ name: 'comparisons' })
export class Comparison {
  @PrimaryColumn({ name: 'session_id', type: 'text' })
  sessionId: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ name: 'original_rendition_id', type: 'text' })
  originalRenditionId: string;

  @Column({ name: 'revised_rendition_id', type: 'text' })
  revisedRenditionId: string;

  @Column({ type: 'text' })
  state: ComparisonState;

  @Column({ name: 'original_page_count', type: 'integer', nullable: true })
  originalPageCount: number | null;

  @Column({ name: 'revised_page_count', type: 'integer', nullable: true })
  revisedPageCount: number | null;

  @Column({ name: 'next_original_page', type: 'integer' })
  nextOriginalPage: number;

  @Column({ name: 'next_revised_page', type: 'integer' })
  nextRevisedPage: number;

  @Column({ type: 'jsonb' })
  carry: DiffCarry;

  @Column({ name: 'revision_count', type: 'integer' })
  revisionCount: number;

  @Column({ name: 'token_key', type: 'text' })
  tokenKey: string;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ name: 'lease_owner', type: 'text', nullable: true })
  leaseOwner: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
