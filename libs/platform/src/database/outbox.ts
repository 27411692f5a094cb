import { Logger, OnApplicationShutdown, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { NatsConnection } from 'nats';
import { TransactionHost } from '@nestjs-cls/transactional';
import { DataSource, EntityManager } from 'typeorm';
import type { Db } from './transactions';
import { EventPublisher } from '../nats/nats.module';
import { NATS_CONNECTION } from '../nats/nats.tokens';

const BATCH = 100;

/** Writes an event into a service's outbox table (outboxMigration) inside the caller's transaction. */
export async function insertOutboxEvent(manager: EntityManager, schema: string, subject: string, payload: unknown): Promise<void> {
  await manager.query(`INSERT INTO "${schema}"."outbox" ("subject", "payload") VALUES ($1, $2)`, [subject, JSON.stringify(payload)]);
}

/**
 * A service's outbox: events are written in the transaction that made the change (`add`),
 * published right after it commits (`flush`) and by a periodic sweep for whatever a crash left
 * behind (`start`, once migrations have run). Rows are claimed with FOR UPDATE SKIP LOCKED, so
 * replicas never publish the same row at once, and marked only after NATS has taken the publish:
 * at least once — a consumer may see an event twice, never a change without its event.
 */
export class Outbox implements OnApplicationShutdown {
  private readonly logger = new Logger(Outbox.name);
  private timer: NodeJS.Timeout | undefined;
  /** The last round queued; rounds run one at a time per process. */
  private last: Promise<void> = Promise.resolve();
  /** A round queued but not started yet: callers arriving now share it. */
  private next: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly connection: NatsConnection,
    private readonly schema: string,
    private readonly sweepIntervalMs: number,
    private readonly db?: Db,
  ) {}

  add(manager: EntityManager, subject: string, payload: unknown): Promise<void> {
    return insertOutboxEvent(manager, this.schema, subject, payload);
  }

  /**
   * Writes an event in the transaction the caller is in (a use case's `@Transactional()`); outside
   * one it throws, since an event written apart from its change could describe a change that
   * never committed.
   */
  async record(subject: string, payload: unknown): Promise<void> {
    if (!this.db?.isTransactionActive()) throw new Error(`Outbox.record(${subject}) needs an open transaction`);
    await insertOutboxEvent(this.db.tx, this.schema, subject, payload);
  }

  /** Starts the periodic sweep; call once the schema is migrated. */
  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.sweepIntervalMs);
    this.timer.unref();
    void this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.last;
  }

  /**
   * Publishes every row committed before the call, in a round that starts after it. Never throws
   * (a failed round is logged and the sweep retries).
   */
  flush(): Promise<void> {
    if (this.next) return this.next;
    const round = this.last
      .then(() => {
        this.next = undefined;
        return this.publishAll();
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'Outbox publish failed; the sweep retries'));
    this.next = round;
    this.last = round;
    return round;
  }

  private async publishAll(): Promise<void> {
    for (;;) {
      const published = await this.dataSource.transaction(async (manager) => {
        const rows: Array<{ id: string; subject: string; payload: unknown }> = await manager.query(
          `SELECT "id", "subject", "payload" FROM "${this.schema}"."outbox"
             WHERE "published_at" IS NULL ORDER BY "id" LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [BATCH],
        );
        if (!rows.length) return 0;
        for (const row of rows) this.publisher.publish(row.subject, row.payload);
        await this.connection.flush();
        await manager.query(`UPDATE "${this.schema}"."outbox" SET "published_at" = now() WHERE "id" = ANY($1::bigint[])`, [
          rows.map((row) => row.id),
        ]);
        return rows.length;
      });
      if (published < BATCH) return;
    }
  }
}

/** The `Outbox` of a service whose schema is `schema`; swept every `sweepIntervalMs`. */
export function outboxProvider(schema: string, sweepIntervalMs: number): Provider {
  return {
    provide: Outbox,
    inject: [getDataSourceToken(), EventPublisher, NATS_CONNECTION, TransactionHost],
    useFactory: (dataSource: DataSource, publisher: EventPublisher, connection: NatsConnection, db: Db) =>
      new Outbox(dataSource, publisher, connection, schema, sweepIntervalMs, db),
  };
}
