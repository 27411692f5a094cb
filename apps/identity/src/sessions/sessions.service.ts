import { Injectable } from '@nestjs/common';
import { loginSessionScope } from '@quire/auth';
import { Principal, ResolveSessionRequest } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Outbox } from '@quire/platform';
import { principalOf, UsersRepository } from '../users/users.repository';
import { LoginSessionsRepository } from './login-sessions.repository';
import { LogoutUseCase } from './logout.use-case';

@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: LoginSessionsRepository,
    private readonly logoutUseCase: LogoutUseCase,
    private readonly users: UsersRepository,
    private readonly outbox: Outbox,
  ) {}

  /** The principal of a live login session of an active user; UNAUTHENTICATED otherwise. */
  async resolve(request: ResolveSessionRequest): Promise<Principal> {
    const accountId = await this.sessions.accountOfLive(request.sessionId, request.userId);
    const user = accountId ? await this.users.byId({ accountId }, request.userId) : null;
    if (!user || user.status !== 'active') throw DomainError.unauthenticated('Invalid or expired token');
    return principalOf(user, [loginSessionScope(request.sessionId)]);
  }

  /** Logout: the caller's own login session ends at once (every gateway drops it). */
  async logout(principal: Principal): Promise<{ status: 'success' }> {
    await this.logoutUseCase.execute({ principal });
    await this.outbox.flush();
    return { status: 'success' };
  }
}
