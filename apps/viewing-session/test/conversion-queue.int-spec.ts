import { randomUUID } from 'node:crypto';
import { connect, DiscardPolicy, JetStreamManager, NatsConnection, RetentionPolicy, StorageType } from 'nats';
import { DomainError, ErrorCode } from '@quire/errors';
import { uniqueId, waitFor } from '@quire/testing';
import { ConversionJob, ConversionQueue, ConversionQueueFull, ConversionQueueOptions } from '../src/renditions/conversion-queue';

/**
 * The conversion work queue against the real NATS JetStream: its per-size-class bound refuses the
 * job past `maxQueued` with the typed `ConversionQueueFull` (the gateway's 429 + Retry-After), the
 * classes are separate queues, and a stream made by an earlier version gets the bound on start-up.
 */
describe('ConversionQueue (real JetStream)', () => {
  let nats: NatsConnection;
  let jsm: JetStreamManager;
  const queues: ConversionQueue[] = [];

  beforeAll(async () => {
    nats = await connect({ servers: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222' });
    jsm = await nats.jetstreamManager();
  });

  afterAll(async () => {
    for (const queue of queues) {
      await queue.stop();
      await jsm.streams.delete(queue.stream).catch(() => undefined);
    }
    await nats.drain();
  });

  function queue(overrides: Partial<ConversionQueueOptions> = {}): ConversionQueue {
    const created = new ConversionQueue(nats, {
      prefix: `t${uniqueId()}.`,
      largeFromBytes: 1024,
      maxQueued: 2,
      queueFullRetryAfterSeconds: 7,
      ackWaitMs: 30_000,
      maxDeliveries: 3,
      concurrency: { small: 1, large: 1 },
      ...overrides,
    });
    queues.push(created);
    return created;
  }

  const job = (): ConversionJob => ({ renditionId: randomUUID(), accountId: randomUUID() });

  async function refusal(promise: Promise<unknown>): Promise<DomainError> {
    const error = await promise.then(
      () => undefined,
      (rejected: unknown) => rejected,
    );
    expect(error).toBeInstanceOf(ConversionQueueFull);
    return error as DomainError;
  }

  it('refuses the job past maxQueued of its class with ConversionQueueFull; the other class still takes jobs', async () => {
    const conversions = queue();
    await conversions.setUp();
    await conversions.enqueue(job(), 'large');
    await conversions.enqueue(job(), 'large');

    const full = await refusal(conversions.enqueue(job(), 'large'));
    expect(full.code).toBe(ErrorCode.RateLimited);
    expect(full.details).toMatchObject({ sizeClass: 'large', retryAfterSeconds: 7 });

    // A full large queue does not refuse a small job.
    await conversions.enqueue(job(), 'small');
    await conversions.enqueue(job(), 'small');
    expect((await refusal(conversions.enqueue(job(), 'small'))).details).toMatchObject({ sizeClass: 'small' });

    // Nothing refused was stored, nothing stored was dropped.
    expect((await jsm.streams.info(conversions.stream)).state.messages).toBe(4);
    expect(await conversions.depth()).toEqual({ small: 2, large: 2 });
  });

  it('takes jobs again once the queued ones are acked', async () => {
    const conversions = queue({ maxQueued: 1 });
    await conversions.setUp();
    const first = job();
    await conversions.enqueue(first, 'small');
    await refusal(conversions.enqueue(job(), 'small'));

    const handled: string[] = [];
    conversions.start(async (received) => {
      handled.push(received.renditionId);
    });
    await waitFor(async () => (await jsm.streams.info(conversions.stream)).state.messages === 0, { timeoutMs: 10_000, description: 'the job to be acked' });
    expect(handled).toEqual([first.renditionId]);

    const second = job();
    await conversions.enqueue(second, 'small');
    await waitFor(() => handled.length === 2, { timeoutMs: 10_000, description: 'the second job' });
    expect(handled).toEqual([first.renditionId, second.renditionId]);
  });

  it('updates a stream made by an earlier version (discard New without discard_new_per_subject dropped old jobs)', async () => {
    const conversions = queue();
    await jsm.streams.add({
      name: conversions.stream,
      subjects: [conversions.subject('small'), conversions.subject('large')],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      discard: DiscardPolicy.New,
      max_msgs_per_subject: 50,
    });

    await conversions.setUp();

    const { config } = await jsm.streams.info(conversions.stream);
    expect(config).toMatchObject({ discard: DiscardPolicy.New, discard_new_per_subject: true, max_msgs_per_subject: 2 });
    await conversions.enqueue(job(), 'small');
    await conversions.enqueue(job(), 'small');
    await refusal(conversions.enqueue(job(), 'small'));
    expect((await jsm.streams.info(conversions.stream)).state.messages).toBe(2);
  });

  it('setUp is idempotent (a second replica, a restart)', async () => {
    const prefix = `t${uniqueId()}.`;
    const conversions = queue({ prefix });
    await conversions.setUp();
    await conversions.enqueue(job(), 'small');
    const replica = queue({ prefix });
    await replica.setUp();
    expect((await jsm.streams.info(conversions.stream)).state.messages).toBe(1);
    await replica.enqueue(job(), 'small');
    await refusal(replica.enqueue(job(), 'small'));
  });
});
