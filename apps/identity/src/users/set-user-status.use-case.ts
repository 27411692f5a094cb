import { Injectable } from '@nestjs/common';
import { requireUserAdmin } from '@quire/auth';
import { IdentityEvents, Principal, SetUserStatusRequest, UserDisabledEvent } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Outbox, Transactional } from '@quire/platform';
import { LoginLockout } from '../sessions/login-lockout';
import { SessionRevocations } from '../sessions/session-revocations';
import { UsersRepository } from './users.repository';

export interface SetUserStatusCommand {
  principal: Principal;
  request: SetUserStatusRequest;
}

/**
 * Admin status changes: `active` approves a sign-up, unlocks or re-enables (and clears failed
 * logins); `locked` / `disabled` end the user's sessions, and their tokens stop resolving.
 */
@Injectable()
export class SetUserStatusUseCase {
  constructor(
    private readonly users: UsersRepository,
    private readonly lockout: LoginLockout,
    private readonly revocations: SessionRevocations,
    private readonly outbox: Outbox,
  ) {}

  @Transactional()
  async execute({ principal, request }: SetUserStatusCommand): Promise<void> {
    requireUserAdmin(principal);
    if (request.userId === principal.userId) throw DomainError.validation('Admins cannot change their own status');
    if (!(await this.users.setStatus(principal, request.userId, request.status))) throw DomainError.notFound('User');
    if (request.status === 'active') {
      await this.lockout.clear(principal, request.userId);
      return;
    }
    await this.revocations.revokeAllOf(principal, request.userId);
    const event: UserDisabledEvent = { accountId: principal.accountId, userId: request.userId, status: request.status };
    await this.outbox.record(IdentityEvents.userDisabled, event);
  }
}
