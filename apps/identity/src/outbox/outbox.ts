import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventPublisher } from '@quire/platform';

const BATCH = 100;
const SWEEP_INTERVAL_MS = 5000;

/**
 * Events leave through the outbox: written in the transaction that made the change, published
 * right after it commits (and by a periodic sweep after a crash). At least once: a consumer may
 * see an event twice, never a change without its event.
 */
@Injectable()
export class Outbox implements OnModuleDestroy {
  private readonly logger = new Logger(Outbox.name);
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private again = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
  ) {}

  /** Starts the sweep; called once migrations have run (the table exists). */
  start(): void {
    this.timer ??= setInterval(() => this.flushSoon(), SWEEP_INTERVAL_MS);
    this.timer.unref();
    this.flushSoon();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async add(manager: EntityManager, subject: string, payload: unknown): Promise<void> {
    await manager.query(`INSERT INTO "identity"."outbox" ("subject", "payload") VALUES ($1, $2)`, [subject, JSON.stringify(payload)]);
  }

  /** Publishes what is waiting; resolves when this round is done (callers may ignore it). */
  flushSoon(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = this.flushAll()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'Outbox flush failed; the sweep retries'))
      .finally(() => {
        this.flushing = undefined;
        if (this.again) {
          this.again = false;
          void this.flushSoon();
        }
      });
    return this.flushing;
  }

  private async flushAll(): Promise<void> {
    for (;;) {
      const published = await this.dataSource.transaction(async (manager) => {
        const rows: Array<{ id: string; subject: string; payload: unknown }> = await manager.query(
          `SELECT "id", "subject", "payload" FROM "identity"."outbox" WHERE "published_at" IS NULL
           ORDER BY "id" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        );
        for (const row of rows) this.events.publish(row.subject, row.payload);
        if (rows.length) {
          await manager.query(`UPDATE "identity"."outbox" SET "published_at" = now() WHERE "id" = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
        }
        return rows.length;
      });
      if (published < BATCH) return;
    }
  }
}
