import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DiscardPolicy,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
  JSONCodec,
  NatsConnection,
  nanos,
  RetentionPolicy,
  StorageType,
} from 'nats';
import { DomainError, ErrorCode } from '@quire/errors';

export type SizeClass = 'small' | 'large';

export interface ConversionJob {
  renditionId: string;
  accountId: string;
}

export interface ConversionQueueOptions {
  /** NATS subject prefix of the process (tests use a unique one). */
  prefix: string;
  /** Sources up to this size go to the small queue. */
  largeFromBytes: number;
  /** Jobs waiting per size class; one more is refused (429 + Retry-After). */
  maxQueued: number;
  ackWaitMs: number;
  maxDeliveries: number;
  /** Jobs in flight on this replica per class. */
  concurrency: Record<SizeClass, number>;
}

/** The work queue is full: the caller may retry later (429 + Retry-After). */
export class ConversionQueueFull extends DomainError {
  constructor(sizeClass: SizeClass, retryAfterSeconds: number) {
    super(ErrorCode.RateLimited, 'Too many documents are waiting for conversion', { sizeClass, retryAfterSeconds });
  }
}

const codec = JSONCodec<ConversionJob>();

/**
 * Conversion jobs in a JetStream work-queue stream: one subject and one durable pull consumer per
 * size class, shared by every replica (each message goes to one of them). A job is acked after its
 * result is stored; a worker that dies leaves it unacked and JetStream redelivers it after the ack
 * wait, up to `maxDeliveries` times.
 */
export class ConversionQueue {
  private readonly logger = new Logger(ConversionQueue.name);
  private jsm!: JetStreamManager;
  private js!: JetStreamClient;
  private running = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly connection: NatsConnection,
    private readonly options: ConversionQueueOptions,
  ) {}

  get stream(): string {
    return `${this.options.prefix.replace(/[^A-Za-z0-9_-]/g, '_')}VIEWING_CONVERSIONS`;
  }

  subject(sizeClass: SizeClass): string {
    return `${this.options.prefix}viewing.convert.${sizeClass}`;
  }

  consumer(sizeClass: SizeClass): string {
    return `viewing-convert-${sizeClass}`;
  }

  sizeClassOf(sizeBytes: number): SizeClass {
    return sizeBytes >= this.options.largeFromBytes ? 'large' : 'small';
  }

  async setUp(): Promise<void> {
    this.jsm = await this.connection.jetstreamManager();
    this.js = this.connection.jetstream();
    const config = {
      name: this.stream,
      subjects: [this.subject('small'), this.subject('large')],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      discard: DiscardPolicy.New,
      max_msgs_per_subject: this.options.maxQueued,
    };
    try {
      await this.jsm.streams.info(this.stream);
      await this.jsm.streams.update(this.stream, config);
    } catch {
      await this.jsm.streams.add(config);
    }
    for (const sizeClass of ['small', 'large'] as const) {
      const consumer = {
        durable_name: this.consumer(sizeClass),
        filter_subject: this.subject(sizeClass),
        ack_policy: AckPolicy.Explicit,
        ack_wait: nanos(this.options.ackWaitMs),
        max_deliver: this.options.maxDeliveries,
      };
      try {
        await this.jsm.consumers.info(this.stream, consumer.durable_name);
        await this.jsm.consumers.update(this.stream, consumer.durable_name, consumer);
      } catch {
        await this.jsm.consumers.add(this.stream, consumer);
      }
    }
  }

  async enqueue(job: ConversionJob, sizeClass: SizeClass): Promise<void> {
    try {
      await this.js.publish(this.subject(sizeClass), codec.encode(job), { msgID: `${job.renditionId}` });
    } catch (error) {
      if (/maximum messages/i.test((error as Error).message)) throw new ConversionQueueFull(sizeClass, 5);
      throw error;
    }
  }

  /** Jobs waiting (not yet delivered) per class: the queue-depth metric. */
  async depth(): Promise<Record<SizeClass, number>> {
    const out = { small: 0, large: 0 };
    for (const sizeClass of ['small', 'large'] as const) {
      const info = await this.jsm.consumers.info(this.stream, this.consumer(sizeClass));
      out[sizeClass] = info.num_pending + info.num_ack_pending;
    }
    return out;
  }

  /**
   * Pulls jobs of both classes, `concurrency[class]` at a time. `handle` resolves when the job's
   * result is stored (then the message is acked) or throws (nak, redelivered until the bound;
   * `lastDelivery` tells the handler the bound is reached so it records the error).
   */
  start(handle: (job: ConversionJob, info: { delivery: number; lastDelivery: boolean; sizeClass: SizeClass }) => Promise<void>): void {
    this.running = true;
    for (const sizeClass of ['small', 'large'] as const) {
      for (let i = 0; i < this.options.concurrency[sizeClass]; i += 1) this.loops.push(this.loop(sizeClass, handle));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.allSettled(this.loops.splice(0));
  }

  private async loop(
    sizeClass: SizeClass,
    handle: (job: ConversionJob, info: { delivery: number; lastDelivery: boolean; sizeClass: SizeClass }) => Promise<void>,
  ): Promise<void> {
    const consumer = await this.js.consumers.get(this.stream, this.consumer(sizeClass));
    while (this.running && !this.connection.isClosed()) {
      let message: JsMsg | null = null;
      try {
        message = await consumer.next({ expires: 1_000 });
      } catch (error) {
        if (!this.running) return;
        this.logger.warn(`Pulling a conversion job failed: ${(error as Error).message}`);
        continue;
      }
      if (!message) continue;
      const delivery = message.info.redeliveryCount;
      const working = setInterval(() => message?.working(), Math.max(1_000, this.options.ackWaitMs / 2));
      try {
        await handle(codec.decode(message.data), { delivery, lastDelivery: delivery >= this.options.maxDeliveries, sizeClass });
        message.ack();
      } catch (error) {
        this.logger.warn(`Conversion job failed (delivery ${delivery}): ${(error as Error).message}`);
        if (delivery >= this.options.maxDeliveries) message.term();
        else message.nak(1_000);
      } finally {
        clearInterval(working);
      }
    }
  }
}
