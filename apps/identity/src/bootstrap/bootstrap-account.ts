import { Injectable, Logger } from '@nestjs/common';
import { hashPassword, Roles } from '@quire/auth';
import { AccountsRepository } from '../accounts/accounts.repository';
import { Db, TransactionHost } from '@quire/platform';
import { IdentityEnv } from '../identity.env';
import { UsersRepository } from '../users/users.repository';

/** Same idea as the migrations lock: one advisory lock key for the bootstrap of the schema. */
const BOOTSTRAP_LOCK_KEY = 0x51554952; // "QUIR"

/**
 * On start, creates the bootstrap account and its admin from IDENTITY_BOOTSTRAP_* when they do
 * not exist yet. Idempotent, and replicas starting together take turns under an advisory lock.
 * An existing admin is never changed (their password may have been reset since).
 */
@Injectable()
export class BootstrapAccount {
  private readonly logger = new Logger(BootstrapAccount.name);

  constructor(
    private readonly db: TransactionHost,
    private readonly accounts: AccountsRepository,
    private readonly users: UsersRepository,
    private readonly env: IdentityEnv,
  ) {}

  async run(): Promise<void> {
    const code = this.env.IDENTITY_BOOTSTRAP_ACCOUNT_CODE;
    const login = this.env.IDENTITY_BOOTSTRAP_ADMIN_LOGIN;
    const password = this.env.IDENTITY_BOOTSTRAP_ADMIN_PASSWORD;
    if (!code) return;
    const passwordHash = password ? await hashPassword(password) : null;
    const created = await (this.db as Db).withTransaction(async () => {
      await this.accounts.lockForTransaction(BOOTSTRAP_LOCK_KEY);
      const scope = await this.accounts.provision(code, this.env.IDENTITY_BOOTSTRAP_ACCOUNT_NAME ?? code);
      if (!login || !passwordHash) return false;
      if (await this.users.byLoginName(scope, login)) return false;
      const domain = await this.accounts.domain(scope);
      await this.users.insert(
        scope,
        {
          domainId: domain!.id,
          loginName: login,
          email: this.env.IDENTITY_BOOTSTRAP_ADMIN_EMAIL ?? `${login}@${code}.invalid`,
          firstName: 'Quire',
          lastName: 'Administrator',
          status: 'active',
          passwordHash,
        },
        [Roles.Admin, Roles.User],
      );
      return true;
    });
    if (created) this.logger.log(`Created the bootstrap admin "${login}" in account "${code}"`);
  }
}
