import { Injectable } from '@nestjs/common';
import { scopeValue } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Transactional } from '@quire/platform';
import { SessionRevocations } from './session-revocations';

/** The caller's own login session ends, with `session_revoked` (every gateway drops it). */
@Injectable()
export class LogoutUseCase {
  constructor(private readonly revocations: SessionRevocations) {}

  @Transactional()
  async execute({ principal }: { principal: Principal }): Promise<void> {
    const sessionId = scopeValue(principal.scopes, 'login_session');
    if (!sessionId) throw DomainError.validation('Only a login token can be logged out; delete an API token instead');
    await this.revocations.revoke(principal, principal.userId, sessionId);
  }
}
