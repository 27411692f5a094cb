import { NatsOptions, ServerNats } from '@nestjs/microservices';
import { NatsConnection, Subscription, SubscriptionOptions } from 'nats';

interface Unsubscribable {
  unsubscribe(): void;
}

/**
 * Nest's NATS server with a shutdown that stops taking messages (replicas get them instead), waits
 * for the ones being handled to be answered, up to a deadline, and only then closes. Nest's own
 * graceful mode waits a fixed grace period whatever is in flight.
 */
export class DrainingNatsServer extends ServerNats {
  private inFlight = 0;
  private idle: (() => void) | undefined;

  constructor(
    options: NatsOptions['options'],
    private readonly drainTimeoutMs: number,
    private readonly subjectPrefix = '',
  ) {
    super({ ...options, gracefulShutdown: false });
    this.setOnProcessingStartHook((_transport, _context, done) => {
      this.inFlight += 1;
      return done();
    });
    this.setOnProcessingEndHook(() => {
      this.inFlight = Math.max(0, this.inFlight - 1);
      if (this.inFlight === 0) this.idle?.();
    });
  }

  /** Subscribes each handler's subject under the process's subject prefix. */
  override bindEvents(client: NatsConnection): void {
    const prefix = this.subjectPrefix;
    const prefixed = Object.create(client) as NatsConnection;
    prefixed.subscribe = (subject: string, opts?: SubscriptionOptions): Subscription =>
      client.subscribe(`${prefix}${subject}`, opts);
    super.bindEvents(prefixed);
  }

  /**
   * Our patterns are plain subjects (`svc.identity.system.ping`). Nest first tries JSON.parse on
   * every incoming pattern, which throws a SyntaxError (stack trace included) for each message;
   * only a pattern that can be JSON (an object, list or string literal) goes that way here.
   */
  override getRouteFromPattern(pattern: string): string {
    const first = pattern.charCodeAt(0);
    if (first === 123 /* { */ || first === 91 /* [ */ || first === 34 /* " */) return super.getRouteFromPattern(pattern);
    return this.normalizePattern(pattern);
  }

  /** Messages taken and not yet answered. */
  get handling(): number {
    return this.inFlight;
  }

  override async close(): Promise<void> {
    // Nest keeps its subscriptions in a private field; without it we still wait for in-flight work.
    const subscriptions = (this as unknown as { subscriptions?: unknown }).subscriptions;
    if (Array.isArray(subscriptions)) for (const sub of subscriptions as Unsubscribable[]) sub.unsubscribe();
    await this.waitUntilIdle();
    await super.close();
  }

  private async waitUntilIdle(): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.drainTimeoutMs);
      this.idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
