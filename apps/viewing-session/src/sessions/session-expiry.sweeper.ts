import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ViewingSessionEnv } from '../viewing-session.env';
import { ViewingSessionsService } from './viewing-sessions.service';

/** Removes expired viewing sessions and their uploaded files every VIEWING_SWEEP_INTERVAL_SECONDS. */
@Injectable()
export class SessionExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionExpirySweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly sessions: ViewingSessionsService,
    private readonly env: ViewingSessionEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.sweepInBackground(), this.env.VIEWING_SWEEP_INTERVAL_SECONDS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private sweepInBackground(): void {
    if (this.running) return;
    this.running = this.sessions
      .sweepExpired()
      .then((removed) => removed && this.logger.log({ removed }, 'Removed expired viewing sessions'))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'Viewing session sweep failed; retrying next interval'))
      .finally(() => (this.running = undefined));
  }
}
