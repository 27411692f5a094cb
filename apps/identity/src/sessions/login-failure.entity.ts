import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed logins of one user from one client address, and the lock they earned (LoginLockout). */
@Entity({ name: 'login_failures' })
export class LoginFailure {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('text')
  address: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('integer', { name: 'failed_count' })
  failedCount: number;

  @Column('timestamptz', { name: 'first_failed_at' })
  firstFailedAt: Date;

  @Column('timestamptz', { name: 'locked_until', nullable: true })
  lockedUntil: Date | null;
}
