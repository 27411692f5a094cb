import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IntervalSweep } from '@quire/platform';
import { ViewingSessionEnv } from '../viewing-session.env';
import { ViewingSessionsService } from './viewing-sessions.service';

/** Removes expired viewing sessions and their uploaded files every VIEWING_SWEEP_INTERVAL_SECONDS. */
@Injectable()
export class SessionExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sweep: IntervalSweep;

  constructor(sessions: ViewingSessionsService, env: ViewingSessionEnv) {
    this.sweep = new IntervalSweep(new Logger(SessionExpirySweeper.name), {
      intervalMs: env.VIEWING_SWEEP_INTERVAL_SECONDS * 1000,
      round: () => sessions.sweepExpired(),
      countKey: 'removed',
      doneMessage: 'Removed expired viewing sessions',
      failedMessage: 'Viewing session sweep failed; retrying next interval',
    });
  }

  onApplicationBootstrap(): void {
    this.sweep.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.sweep.stop();
  }
}
