import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ObjectStorage, STAGING_PREFIX } from '@quire/platform';
import { GatewayEnv } from '../gateway.env';

/**
 * Deletes staged uploads nobody committed: requests that died half-way, commits whose clean-up
 * failed. Every replica sweeps; deletes are idempotent, so they do not need to agree.
 * (Incomplete multipart uploads are left to the bucket's lifecycle rule: see the deploy docs.)
 */
@Injectable()
export class StagingSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StagingSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly env: GatewayEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.sweepInBackground(), this.env.UPLOAD_SWEEP_INTERVAL_SECONDS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes `staging/` objects last modified before `now` minus the staging TTL; returns how many. */
  async sweep(now: Date = new Date()): Promise<number> {
    const cutoff = now.getTime() - this.env.UPLOAD_STAGING_TTL_SECONDS * 1000;
    // Listed in full before deleting, so paging never depends on how a server treats deleted keys.
    const stale: string[] = [];
    for await (const object of this.storage.list(STAGING_PREFIX)) {
      if (object.lastModified && object.lastModified.getTime() < cutoff) stale.push(object.key);
    }
    await this.storage.delete(stale);
    if (stale.length) this.logger.log({ deleted: stale.length }, 'Swept stale staged uploads');
    return stale.length;
  }

  private sweepInBackground(): void {
    if (this.running) return;
    this.running = this.sweep()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'Staging sweep failed; retrying next interval'))
      .finally(() => (this.running = undefined));
  }
}
