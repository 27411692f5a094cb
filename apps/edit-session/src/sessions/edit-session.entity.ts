import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SessionEndReason = 'ended' | 'expired' | 'access_revoked';

/**
 * One external Word edit of a report: a lease held by its author until ended, taken over or
 * expired. At most one active per report (partial unique index `edit_sessions_one_active_per_report`).
 */
@Entity('edit_sessions')
export class EditSession {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ name: 'lab_report_id', type: 'bigint' })
  labReportId: string;

  @Column({ name: 'template_id', type: 'bigint', nullable: true })
  templateId: string | null;

  @Column({ name: 'author_user_id', type: 'text' })
  authorUserId: string;

  @Column({ name: 'author_name', type: 'text' })
  authorName: string;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  /** The `jti` of the only token that may upload; a takeover replaces it. */
  @Column({ name: 'token_id', type: 'uuid' })
  tokenId: string;

  /** The lease: renewed by the agent's keepalive and uploads, never past `maxExpiresAt`. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** The longest the session (and its token) may live: start or takeover + EDIT_SESSION_TTL_SECONDS. */
  @Column({ name: 'max_expires_at', type: 'timestamptz' })
  maxExpiresAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: SessionEndReason | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
