import { Injectable, Logger } from '@nestjs/common';
import { LifecycleIntervalSweep } from '@quire/platform';
import { ViewingSessionEnv } from '../viewing-session.env';
import { ViewingSessionsService } from './viewing-sessions.service';

/** Removes expired viewing sessions and their uploaded files every VIEWING_SWEEP_INTERVAL_SECONDS. */
@Injectable()
export class SessionExpirySweeper extends LifecycleIntervalSweep {
  constructor(sessions: ViewingSessionsService, env: ViewingSessionEnv) {
    super(new Logger(SessionExpirySweeper.name), {
      intervalMs: env.VIEWING_SWEEP_INTERVAL_SECONDS * 1000,
      round: () => sessions.sweepExpired(),
      countKey: 'removed',
      doneMessage: 'Removed expired viewing sessions',
      failedMessage: 'Viewing session sweep failed; retrying next interval',
    });
  }
}
