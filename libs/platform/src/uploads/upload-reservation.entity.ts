import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { RpcErrorPayload } from '@quire/errors';

export type UploadReservationState = 'open' | 'committed' | 'rejected';

/** The first answer a commit gave: its reply, or the domain error it was rejected with. */
export type UploadReservationAnswer = { reply: unknown } | { error: RpcErrorPayload };

/**
 * One row of a service's `upload_reservations` table (uploadReservationsMigration). Every service
 * that accepts uploads lists this entity in its DatabaseModule entities; the table lives in the
 * service's own schema.
 */
@Entity({ name: 'upload_reservations' })
export class UploadReservationRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  /** What the reservation is for (e.g. `agent-save`, `file`): a commit of another purpose is refused. */
  @Column('text')
  purpose: string;

  @Column('text', { array: true })
  keys: string[];

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('text', { default: 'open' })
  state: UploadReservationState;

  @Column('jsonb', { nullable: true })
  answer: UploadReservationAnswer | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
