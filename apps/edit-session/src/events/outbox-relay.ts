import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NatsConnection } from 'nats';
import { DataSource } from 'typeorm';
import { EventPublisher, NATS_CONNECTION } from '@quire/platform';

const BATCH = 100;
const POLL_INTERVAL_MS = 2000;

/**
 * Publishes the outbox: right after each commit (`flush`), and on a timer for whatever a crash
 * left behind. Rows are claimed with FOR UPDATE SKIP LOCKED, so replicas never publish the same
 * row at once; a row is marked only after NATS has acknowledged the publish (at-least-once).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), POLL_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.chain;
  }

  /** Publishes every unpublished row, oldest first; runs one at a time per process. Never throws. */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.drain()).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'Outbox publish failed; retrying on the next tick');
    });
    return this.chain;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const published = await this.dataSource.transaction(async (manager) => {
        const rows: Array<{ id: string; subject: string; payload: unknown }> = await manager.query(
          `SELECT "id", "subject", "payload" FROM "edit_session"."outbox"
             WHERE "published_at" IS NULL ORDER BY "id" LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [BATCH],
        );
        if (!rows.length) return 0;
        for (const row of rows) this.publisher.publish(row.subject, row.payload);
        await this.connection.flush();
        await manager.query(`UPDATE "edit_session"."outbox" SET "published_at" = now() WHERE "id" = ANY($1::bigint[])`, [
          rows.map((row) => row.id),
        ]);
        return rows.length;
      });
      if (published < BATCH) return;
    }
  }
}
