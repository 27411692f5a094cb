import { Injectable } from '@nestjs/common';
import { DUMMY_PASSWORD_HASH, isAdmin, loginSessionScope, QuireJwt, verifyPassword } from '@quire/auth';
import { BUILT_IN_AUTH_DOMAIN, LoginReply, LoginRequest } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Db, TransactionHost } from '@quire/platform';
import { AccountsRepository } from '../accounts/accounts.repository';
import { IdentityEnv } from '../identity.env';
import { principalOf, UserWithRoles, UsersRepository } from '../users/users.repository';
import { LoginLockout } from './login-lockout';
import { LoginSessionsRepository } from './login-sessions.repository';

/** The one answer to every failed login: unknown user, wrong password, pending, locked, disabled. */
export function invalidCredentials(): DomainError {
  return DomainError.unauthenticated('Invalid login name or password');
}

/**
 * `POST /rest/ng/sessions`. Every attempt costs one scrypt (a dummy hash when the user does not
 * exist), and every failure answers the same, so neither the body nor the time tells whether a
 * login name exists or what state it is in. Repeated failures lock the user for a while, from
 * that client address (LoginLockout).
 */
@Injectable()
export class LoginUseCase {
  private readonly jwt: QuireJwt;

  constructor(
    private readonly db: TransactionHost,
    private readonly sessions: LoginSessionsRepository,
    private readonly accounts: AccountsRepository,
    private readonly users: UsersRepository,
    private readonly lockout: LoginLockout,
    private readonly env: IdentityEnv,
  ) {
    this.jwt = new QuireJwt({ secret: env.JWT_SECRET });
  }

  async execute(request: LoginRequest): Promise<LoginReply> {
    const domainName = request.domainName ?? BUILT_IN_AUTH_DOMAIN;
    const account = await this.accounts.forPublicCall(request.accountCode);
    const domain = account ? await this.accounts.domain({ accountId: account.id }, domainName) : null;
    if (account && !domain) throw DomainError.validation(`Unknown authentication domain: ${domainName}`, { fields: { domainName: ['unknown'] } });
    const user = account && domain ? await this.users.byLoginName({ accountId: account.id }, request.loginName) : null;
    const candidate = user && user.domainId === domain?.id ? user : null;
    const passwordOk = await verifyPassword(request.password, candidate?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!candidate || !candidate.passwordHash) throw invalidCredentials();
    const address = request.clientAddress ?? 'unknown';
    if (!passwordOk) {
      await this.lockout.recordFailure(candidate, candidate.id, address);
      throw invalidCredentials();
    }
    if (candidate.status !== 'active' || (await this.lockout.isLocked(candidate, candidate.id, address))) throw invalidCredentials();
    return this.startSession(candidate, domainName, address);
  }

  private async startSession(user: UserWithRoles, domainName: string, address: string): Promise<LoginReply> {
    const ttl = this.env.IDENTITY_SESSION_TTL_SECONDS;
    const sessionId = await (this.db as Db).withTransaction(async () => {
      await this.lockout.clear(user, user.id, address);
      return this.sessions.open(user, user.id, ttl);
    });
    const principal = principalOf(user, [loginSessionScope(sessionId)]);
    return {
      id: user.id,
      loginName: user.loginName,
      firstName: user.firstName,
      lastName: user.lastName,
      emailAddress: user.email,
      domainName,
      accountCode: user.accountCode,
      roles: user.roles,
      admin: isAdmin(principal),
      token: this.jwt.signLogin(principal, sessionId, ttl),
    };
  }
}
