import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IntervalSweep, Outbox } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';
import { ExpireSessionsUseCase } from './expire-sessions.use-case';

/** Ends lapsed sessions every EDIT_SESSION_SWEEP_INTERVAL_SECONDS (safe on every replica). */
@Injectable()
export class SessionExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sweep: IntervalSweep;

  constructor(expireSessions: ExpireSessionsUseCase, outbox: Outbox, env: EditSessionEnv) {
    this.sweep = new IntervalSweep(new Logger(SessionExpirySweeper.name), {
      intervalMs: env.EDIT_SESSION_SWEEP_INTERVAL_SECONDS * 1000,
      round: async () => {
        const ended = await expireSessions.execute();
        if (ended) await outbox.flush();
        return ended;
      },
      countKey: 'ended',
      doneMessage: 'Ended expired edit sessions',
      failedMessage: 'Session expiry sweep failed; retrying next interval',
    });
  }

  onApplicationBootstrap(): void {
    this.sweep.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.sweep.stop();
  }
}
