import { Injectable, Logger } from '@nestjs/common';
import { LifecycleIntervalSweep, Outbox } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';
import { ExpireSessionsUseCase } from './expire-sessions.use-case';

/** Ends lapsed sessions every EDIT_SESSION_SWEEP_INTERVAL_SECONDS (safe on every replica). */
@Injectable()
export class SessionExpirySweeper extends LifecycleIntervalSweep {
  constructor(expireSessions: ExpireSessionsUseCase, outbox: Outbox, env: EditSessionEnv) {
    super(new Logger(SessionExpirySweeper.name), {
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
}
