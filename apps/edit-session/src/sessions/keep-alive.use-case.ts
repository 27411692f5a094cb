import { Injectable } from '@nestjs/common';
import { KeepAliveReply } from '@quire/contracts';
import { Transactional } from '@quire/platform';
import { SessionCommand } from './end-session.use-case';
import { SessionLeases } from './session-lease';
import { assertAgentMaySave } from './session-tokens';
import { SessionsRepository } from './sessions.repository';

/**
 * The agent's keepalive: renews the lease of its session (never past `max_expires_at`). Only the
 * session's current token may, while the session is active and its lease has not run out.
 */
@Injectable()
export class KeepAliveUseCase {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly leases: SessionLeases,
  ) {}

  @Transactional()
  async execute({ principal, editId }: SessionCommand): Promise<KeepAliveReply> {
    const session = (await this.sessions.find(principal, editId, true)) ?? null;
    assertAgentMaySave(principal, String(editId), session);
    const renewed = await this.sessions.renewLease(principal, session.id, this.leases.renewalSeconds);
    return { edit_id: editId, expires_at: renewed.getTime() };
  }
}
