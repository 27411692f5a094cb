import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { BUILT_IN_AUTH_DOMAIN } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { IdentityEnv } from '../identity.env';
import { Account, AuthDomain } from './account.entity';

/**
 * Accounts and their authentication domains. Finding an account by its code is how a public
 * call (login, sign-up, forgot-password) learns its scope, so those reads are unscoped.
 */
@Injectable()
export class AccountsRepository extends AccountScopedRepository<AuthDomain> {
  constructor(
    db: TransactionHost,
    private readonly env: IdentityEnv,
  ) {
    super(db as Db, AuthDomain);
  }

  async byCode(code: string): Promise<Account | null> {
    return this.unscoped().getRepository(Account).findOneBy({ code });
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

  async domain(scope: AccountScope, name = BUILT_IN_AUTH_DOMAIN): Promise<AuthDomain | null> {
    return (await this.findOne(scope, { name })) ?? null;
  }

  domains(scope: AccountScope): Promise<AuthDomain[]> {
    return this.rows().find({ where: this.scoped(scope), order: { name: 'ASC' } });
  }

  /** Creates the account with its built-in domain and roles (idempotent; see the migration). Unscoped: it makes a scope. */
  async provision(code: string, name: string): Promise<AccountScope> {
    const rows: Array<{ id: string }> = await this.unscoped().query(`SELECT "identity"."provision_account"($1, $2) AS "id"`, [code, name]);
    return { accountId: rows[0]!.id };
  }

  /** Serialises the callers of `key` until their transaction ends. */
  async lockForTransaction(key: number): Promise<void> {
    await this.unscoped().query('SELECT pg_advisory_xact_lock($1)', [key]);
  }
}
