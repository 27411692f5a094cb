import { Injectable } from '@nestjs/common';
import { Transactional } from '@quire/platform';
import { RoomEvents } from '../events/room-events';
import { announceEnded } from './session-events';
import { SessionsRepository } from './sessions.repository';

/** One sweep: ends a batch of lapsed sessions of every account and announces each in its room. */
@Injectable()
export class ExpireSessionsUseCase {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly rooms: RoomEvents,
  ) {}

  /** Answers how many sessions ended. */
  @Transactional()
  async execute(): Promise<number> {
    return announceEnded(this.rooms, await this.sessions.endExpiredOfAllAccounts(), 'expired');
  }
}
