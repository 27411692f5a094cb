import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One login (`POST /rest/ng/sessions`); the login JWT's `sid`. Revoked at logout. */
@Entity({ name: 'login_sessions' })
export class LoginSession {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
