import { Injectable } from '@nestjs/common';
import { IdentityEvents, SessionRevokedEvent } from '@quire/contracts';
import { AccountScope, Outbox } from '@quire/platform';
import { LoginSessionsRepository } from './login-sessions.repository';

/** Revokes login sessions with one `session_revoked` each, in the caller's transaction. */
@Injectable()
export class SessionRevocations {
  constructor(
    private readonly sessions: LoginSessionsRepository,
    private readonly outbox: Outbox,
  ) {}

  async revokeAllOf(scope: AccountScope, userId: string): Promise<void> {
    for (const sessionId of await this.sessions.revokeAllOf(scope, userId)) await this.announce(scope, userId, sessionId);
  }

  async revoke(scope: AccountScope, userId: string, sessionId: string): Promise<void> {
    if (await this.sessions.revoke(scope, sessionId, userId)) await this.announce(scope, userId, sessionId);
  }

  private async announce(scope: AccountScope, userId: string, sessionId: string): Promise<void> {
    const event: SessionRevokedEvent = { accountId: scope.accountId, userId, sessionId };
    await this.outbox.record(IdentityEvents.sessionRevoked, event);
  }
}
