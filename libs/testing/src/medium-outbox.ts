import { Provider } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { Db, Outbox } from '@quire/platform';

/** An outbox whose events stay in its table, where a medium test reads them: nothing is published. */
class UnpublishedOutbox extends Outbox {
  override flush(): Promise<void> {
    return Promise.resolve();
  }
}

/** `Outbox` for a medium context (no NATS): `record` writes in the caller's transaction as in the service. */
export function mediumOutbox(schema: string): Provider {
  return {
    provide: Outbox,
    inject: [TransactionHost],
    useFactory: (db: Db) => new UnpublishedOutbox(undefined as never, undefined as never, undefined as never, schema, 60_000, db),
  };
}

/** The payloads of the events with `subject` in a service's outbox table, oldest first. */
export async function outboxPayloads<T = Record<string, unknown>>(
  dataSource: { query: (sql: string, params: unknown[]) => Promise<unknown> },
  schema: string,
  subject: string,
): Promise<T[]> {
  const rows = (await dataSource.query(`SELECT payload FROM "${schema}"."outbox" WHERE subject = $1 ORDER BY id`, [subject])) as Array<{ payload: unknown }>;
  return rows.map((row) => (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as T);
}
