import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UserStatus } from '@quire/contracts';

@Entity({ name: 'users' })
export class User {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('uuid', { name: 'domain_id' })
  domainId: string;

  @Column('text', { name: 'login_name' })
  loginName: string;

  @Column('text')
  email: string;

  @Column('text', { name: 'first_name' })
  firstName: string;

  @Column('text', { name: 'last_name' })
  lastName: string;

  @Column('text')
  status: UserStatus;

  /** scrypt (libs/auth passwords.ts); null until the user sets one. */
  @Column('text', { name: 'password_hash', nullable: true })
  passwordHash: string | null;

  @Column('uuid', { name: 'institute_id', nullable: true })
  instituteId: string | null;

  @Column('text', { name: 'department_name', nullable: true })
  departmentName: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}

@Entity({ name: 'password_reset_tokens' })
export class PasswordResetToken {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  /** sha256 of the token mailed to the user. */
  @Column('text', { name: 'token_hash' })
  tokenHash: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;
}
