import { Injectable } from '@nestjs/common';
import { AccountScope, Transactional } from '@quire/platform';
import { RoomEvents } from '../events/room-events';
import { announceEnded } from './session-events';
import { SessionsRepository } from './sessions.repository';

export interface RevokeUserSessionsCommand {
  scope: AccountScope;
  userId: string;
}

/**
 * Ends the active sessions of a user who lost access (identity's `user_disabled`): their agent's
 * token stops working at once and the reports are free for someone else.
 */
@Injectable()
export class RevokeUserSessionsUseCase {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly rooms: RoomEvents,
  ) {}

  /** Answers how many sessions ended (none on a redelivery). */
  @Transactional()
  async execute({ scope, userId }: RevokeUserSessionsCommand): Promise<number> {
    return announceEnded(this.rooms, await this.sessions.endAllOfUser(scope, userId, 'access_revoked'), 'access_revoked');
  }
}
