import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tenant. Its `code` is the file-upload family's `X-AccountCode`. */
@Entity({ name: 'accounts' })
export class Account {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  code: string;

  @Column('text')
  name: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}

@Entity({ name: 'auth_domains' })
export class AuthDomain {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('text')
  name: string;

  @Column('text')
  type: string;
}

/** Locale and app properties per account (`key` → JSON value). */
@Entity({ name: 'settings' })
export class Setting {
  @PrimaryColumn('uuid', { name: 'account_id' })
  accountId: string;

  @PrimaryColumn('text')
  key: string;

  @Column('jsonb')
  value: unknown;
}
