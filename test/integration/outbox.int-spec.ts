import { connect, JSONCodec, NatsConnection } from 'nats';
import { DataSource } from 'typeorm';
import { CommonEnv, EventPublisher, Outbox, outboxMigration } from '@quire/platform';
import { createTestDatabase, TestDatabase, uniqueId, waitFor } from '@quire/testing';

/** The shared outbox against real Postgres and NATS: what is committed before a flush is out after it, once. */
describe('Outbox', () => {
  const schema = 'outbox_test';
  const prefix = `t${uniqueId()}.`;
  let database: TestDatabase;
  let dataSource: DataSource;
  let nats: NatsConnection;
  let outbox: Outbox;
  const received: Array<{ subject: string; n: number }> = [];

  beforeAll(async () => {
    database = await createTestDatabase('outbox');
    dataSource = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    await dataSource.query(`CREATE SCHEMA "${schema}"`);
    await new (outboxMigration(schema, 1))().up(dataSource.createQueryRunner());
    nats = await connect({ servers: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222' });
    const codec = JSONCodec<{ n: number }>();
    nats.subscribe(`${prefix}evt.test.>`, { callback: (_error, message) => received.push({ subject: message.subject, n: codec.decode(message.data).n }) });
    await nats.flush();
    const env = Object.assign(new CommonEnv(), { NATS_SUBJECT_PREFIX: prefix });
    outbox = new Outbox(dataSource, new EventPublisher(nats, env), nats, schema, 60_000);
  });

  afterAll(async () => {
    await outbox?.onApplicationShutdown();
    await nats?.drain();
    await dataSource?.destroy();
    await database?.drop();
  });

  const unpublished = async () => Number((await dataSource.query(`SELECT count(*) AS n FROM "${schema}"."outbox" WHERE "published_at" IS NULL`))[0].n);

  it('publishes what was committed before the flush, in order, and marks it', async () => {
    await dataSource.transaction(async (manager) => {
      for (const n of [1, 2, 3]) await outbox.add(manager, 'evt.test.created', { n });
    });
    await outbox.flush();
    expect(await unpublished()).toBe(0);
    await waitFor(() => received.length >= 3, { description: 'three events' });
    expect(received).toEqual([1, 2, 3].map((n) => ({ subject: `${prefix}evt.test.created`, n })));
  });

  it('shares one queued round between callers and publishes nothing twice', async () => {
    await dataSource.transaction((manager) => outbox.add(manager, 'evt.test.created', { n: 4 }));
    const first = outbox.flush();
    expect(outbox.flush()).toBe(first);
    await first;
    await outbox.flush();
    await nats.flush();
    await waitFor(() => received.length >= 4, { description: 'the fourth event' });
    expect(received.map((event) => event.n)).toEqual([1, 2, 3, 4]);
    expect(await unpublished()).toBe(0);
  });

  it('leaves rolled-back events unwritten', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.add(manager, 'evt.test.created', { n: 5 });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await outbox.flush();
    await nats.flush();
    expect(received.map((event) => event.n)).toEqual([1, 2, 3, 4]);
    expect(Number((await dataSource.query(`SELECT count(*) AS n FROM "${schema}"."outbox"`))[0].n)).toBe(4);
  });
});
