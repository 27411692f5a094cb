import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  ApiError,
  DiscardPolicy,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
  JSONCodec,
  NatsConnection,
  NatsError,
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
  /**
   * Jobs per size class in the stream (waiting or being converted: a work-queue message stays
   * until it is acked); one more is refused with `ConversionQueueFull` (429 + Retry-After).
   */
  maxQueued: number;
  /** The Retry-After a refused job answers. */
  queueFullRetryAfterSeconds: number;
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

/** JetStream API error codes (nats-server `server/errors.json`). */
const JS_STREAM_NOT_FOUND = 10059;
/** JSStreamStoreFailedF: the store refused the message; with a limit hit its description says which. */
const JS_STREAM_STORE_FAILED = 10077;

function apiErrorOf(error: unknown): ApiError | undefined {
  return error instanceof NatsError ? error.api_error : undefined;
}

/**
 * The stream refused a message because a subject (a size class) holds `max_msgs_per_subject`:
 * nats.js rejects the publish with a NatsError whose message is just "503" and whose api_error is
 * `{code: 503, err_code: 10077, description: "maximum messages per subject exceeded"}`.
 */
export function isQueueFullError(error: unknown): boolean {
  const api = apiErrorOf(error);
  return api?.err_code === JS_STREAM_STORE_FAILED && /maximum messages/i.test(api.description ?? '');
}

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
    // Per-subject limits refuse new messages only with discard New *and* discard_new_per_subject;
    // with discard New alone the server drops the oldest job of the subject (a lost conversion).
    const config = {
      name: this.stream,
      subjects: [this.subject('small'), this.subject('large')],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      discard: DiscardPolicy.New,
      discard_new_per_subject: true,
      max_msgs_per_subject: this.options.maxQueued,
    };
    if (await this.streamExists()) {
      // A stream made by an earlier version keeps its old limits until updated.
      await this.jsm.streams.update(this.stream, config);
    } else {
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
      if (isQueueFullError(error)) throw new ConversionQueueFull(sizeClass, this.options.queueFullRetryAfterSeconds);
      throw error;
    }
  }

  private async streamExists(): Promise<boolean> {
    try {
      await this.jsm.streams.info(this.stream);
      return true;
    } catch (error) {
      if (apiErrorOf(error)?.err_code === JS_STREAM_NOT_FOUND) return false;
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
