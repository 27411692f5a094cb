import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

export interface IntervalSweepOptions {
  /** How often a round starts. */
  intervalMs: number;
  /** One round; answers how much it handled (0 is not logged). Throwing is logged, the next interval retries. */
  round: () => Promise<number>;
  /** Logged with `{ [countKey]: n }` after a round that handled something, e.g. `'Ended expired edit sessions'`. */
  doneMessage: string;
  /** The key the count is logged under (`swept`, `ended`, `removed`). */
  countKey: string;
  /** Logged (warn) when a round throws, e.g. `'Session expiry sweep failed; retrying next interval'`. */
  failedMessage: string;
}

/**
 * A periodic background job: one round at a time (a tick while a round runs is skipped), rounds
 * that throw are logged and retried next interval, the timer does not keep the process alive.
 * `start()` once the schema is migrated; `stop()` on shutdown clears the timer and waits for the
 * round in flight. The owner (a sweeper provider) wires those to its lifecycle.
 */
export class IntervalSweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly logger: Logger,
    private readonly options: IntervalSweepOptions,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.runInBackground(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private runInBackground(): void {
    if (this.running) return;
    const { round, doneMessage, countKey, failedMessage } = this.options;
    this.running = round()
      .then((count) => count && this.logger.log({ [countKey]: count }, doneMessage))
      .catch((error: unknown) => this.logger.warn({ err: error }, failedMessage))
      .finally(() => (this.running = undefined));
  }
}

/**
 * An IntervalSweep that a Nest provider extends to run it from bootstrap to shutdown (its first
 * round one interval after `app.init()`, i.e. after bootstrapService's migrations in practice).
 * A sweep that must wait for `afterMigrations` uses IntervalSweep and calls `start()` there.
 */
export abstract class LifecycleIntervalSweep extends IntervalSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }
}
