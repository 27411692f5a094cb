import { Injectable } from '@nestjs/common';
import { EditSessionEvents, Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Transactional } from '@quire/platform';
import { RoomEvents } from '../events/room-events';
import { EditSession } from './edit-session.entity';
import { sessionEvent } from './session-events';
import { SessionsRepository } from './sessions.repository';

export interface SessionCommand {
  principal: Principal;
  editId: number;
}

/** The active, unexpired session `editId` of the principal's account, locked; 404 otherwise. */
export async function lockLiveSession(sessions: SessionsRepository, { principal, editId }: SessionCommand): Promise<EditSession> {
  const session = await sessions.lockActive(principal, editId);
  if (!session || session.expiresAt <= new Date()) throw DomainError.notFound('Edit session', { reason: 'Session not found' });
  return session;
}

/** Its author ends a session; the room hears `session_ended`. */
@Injectable()
export class EndSessionUseCase {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly rooms: RoomEvents,
  ) {}

  @Transactional()
  async execute(command: SessionCommand): Promise<void> {
    const { principal } = command;
    const session = await lockLiveSession(this.sessions, command);
    if (session.authorUserId !== principal.userId) {
      throw DomainError.forbidden('Only the author can end this session', { reason: 'not the session author' });
    }
    const ended = (await this.sessions.end(principal, session.id, 'ended'))!;
    await this.rooms.record(principal, ended.labReportId, EditSessionEvents.sessionEnded, sessionEvent(ended, { reason: 'ended' }));
  }
}
