import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Outbox } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';
import { ExpireSessionsUseCase } from './expire-sessions.use-case';

/** Ends lapsed sessions every EDIT_SESSION_SWEEP_INTERVAL_SECONDS (safe on every replica). */
@Injectable()
export class SessionExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionExpirySweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly expireSessions: ExpireSessionsUseCase,
    private readonly outbox: Outbox,
    private readonly env: EditSessionEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.sweepInBackground(), this.env.EDIT_SESSION_SWEEP_INTERVAL_SECONDS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private sweepInBackground(): void {
    if (this.running) return;
    this.running = this.expireSessions
      .execute()
      .then(async (ended) => {
        if (ended) await this.outbox.flush();
        return ended;
      })
      .then((ended) => ended && this.logger.log({ ended }, 'Ended expired edit sessions'))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'Session expiry sweep failed; retrying next interval'))
      .finally(() => (this.running = undefined));
  }
}
