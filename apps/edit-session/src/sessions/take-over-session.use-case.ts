import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { canTakeOverEditSession } from '@quire/auth';
import { EditSessionEvents } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Transactional } from '@quire/platform';
import { RoomEvents } from '../events/room-events';
import { displayNameOf } from '../wire';
import { EditSession } from './edit-session.entity';
import { lockLiveSession, SessionCommand } from './end-session.use-case';
import { SessionLeases } from './session-lease';
import { sessionEvent } from './session-events';
import { SessionsRepository } from './sessions.repository';

/** An admin or report editor takes a session over: new author, new token, new lease. */
@Injectable()
export class TakeOverSessionUseCase {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly rooms: RoomEvents,
    private readonly leases: SessionLeases,
  ) {}

  @Transactional()
  async execute(command: SessionCommand): Promise<EditSession> {
    const { principal } = command;
    if (!canTakeOverEditSession(principal)) {
      throw DomainError.forbidden('Taking over an edit session needs the admin or report_editor role', { reason: 'role required' });
    }
    const current = await lockLiveSession(this.sessions, command);
    const previous = { previous_author_name: current.authorName, previous_author_user_id: current.authorUserId };
    const updated = await this.sessions.transfer(principal, current.id, {
      authorUserId: principal.userId,
      authorName: displayNameOf(principal),
      tokenId: randomUUID(),
      ...this.leases.fresh(),
    });
    await this.rooms.record(principal, updated.labReportId, EditSessionEvents.authorshipChanged, sessionEvent(updated, previous));
    return updated;
  }
}
