import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DUMMY_PASSWORD_HASH, isAdmin, loginSessionScope, QuireJwt, verifyPassword } from '@quire/auth';
import { BUILT_IN_AUTH_DOMAIN, LoginReply, LoginRequest } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { AccountsRepository } from '../accounts/accounts.repository';
import { IdentityEnv } from '../identity.env';
import { principalOf, UserWithRoles, UsersRepository } from '../users/users.repository';
import { LoginLockout } from './login-lockout';

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
    @InjectDataSource() private readonly dataSource: DataSource,
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
    const domain = account ? await this.accounts.domain(account.id, domainName) : null;
    if (account && !domain) throw DomainError.validation(`Unknown authentication domain: ${domainName}`, { fields: { domainName: ['unknown'] } });
    const user = account && domain ? await this.users.byLoginName(account.id, request.loginName) : null;
    const candidate = user && user.domainId === domain?.id ? user : null;
    const passwordOk = await verifyPassword(request.password, candidate?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!candidate || !candidate.passwordHash) throw invalidCredentials();
    const address = request.clientAddress ?? 'unknown';
    if (!passwordOk) {
      await this.lockout.recordFailure(candidate.accountId, candidate.id, address);
      throw invalidCredentials();
    }
    if (candidate.status !== 'active' || (await this.lockout.isLocked(candidate.accountId, candidate.id, address))) throw invalidCredentials();
    return this.startSession(candidate, domainName, address);
  }

  private async startSession(user: UserWithRoles, domainName: string, address: string): Promise<LoginReply> {
    const ttl = this.env.IDENTITY_SESSION_TTL_SECONDS;
    const sessionId = await this.dataSource.transaction(async (manager: EntityManager) => {
      await this.lockout.clear(manager, user.accountId, user.id, address);
      const rows: Array<{ id: string }> = await manager.query(
        `INSERT INTO "identity"."login_sessions" ("account_id", "user_id", "expires_at")
         VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING "id"`,
        [user.accountId, user.id, ttl],
      );
      return rows[0]!.id;
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
