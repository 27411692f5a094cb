import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BUILT_IN_AUTH_DOMAIN } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { IdentityEnv } from '../identity.env';
import { Account, AuthDomain } from './account.entity';

@Injectable()
export class AccountsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly env: IdentityEnv,
  ) {}

  async byCode(code: string): Promise<Account | null> {
    return this.dataSource.getRepository(Account).findOneBy({ code });
  }

  async byId(id: string): Promise<Account | null> {
    return this.dataSource.getRepository(Account).findOneBy({ id });
  }

  /** The account a public call is about: `X-AccountCode`, else the default one; null when unknown. */
  async forPublicCall(accountCode: string | undefined): Promise<Account | null> {
    const code = accountCode ?? this.env.defaultAccountCode;
    return code ? this.byCode(code) : null;
  }

  /** Like forPublicCall, for calls that cannot go on without an account (404). */
  async requirePublic(accountCode: string | undefined): Promise<Account> {
    const account = await this.forPublicCall(accountCode);
    if (!account) throw DomainError.notFound('Account');
    return account;
  }

  async domain(accountId: string, name = BUILT_IN_AUTH_DOMAIN, manager?: EntityManager): Promise<AuthDomain | null> {
    return (manager ?? this.dataSource.manager).getRepository(AuthDomain).findOneBy({ accountId, name });
  }

  /** Creates the account with its built-in domain and roles (idempotent; see the migration). */
  async provision(manager: EntityManager, code: string, name: string): Promise<string> {
    const rows: Array<{ id: string }> = await manager.query(`SELECT "identity"."provision_account"($1, $2) AS "id"`, [code, name]);
    return rows[0]!.id;
  }
}
