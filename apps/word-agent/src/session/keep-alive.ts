import { KeepaliveOutcome } from '../upload/keepalive-client';

/** Longest single timer (setTimeout overflows past 2^31 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Timer functions, injectable so tests drive the schedule by hand. */
export interface KeepAliveTimers {
  set(fire: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: KeepAliveTimers = {
  // unref: a pending keepalive never keeps the process alive on its own.
  set: (fire, ms) => setTimeout(fire, Math.min(Math.max(ms, 0), MAX_TIMER_MS)).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface KeepAliveOptions {
  intervalMs: number;
  /** Longest Retry-After honoured as given (the same cap as uploads). */
  maxRetryAfterMs: number;
  /** One keepalive request; the signal aborts it when the keepalive stops. */
  send: (signal: AbortSignal) => Promise<KeepaliveOutcome>;
  onRenewed: (expiresAt: number | undefined) => void | Promise<void>;
  /** 401 / 403 / 404 / 410: no more keepalives are sent after this. */
  onSessionOver: (outcome: Extract<KeepaliveOutcome, { kind: 'session-over' }>) => void | Promise<void>;
  /** Network trouble / 5xx: called once per streak of failures, not per failure. */
  onTrouble: (message: string) => void;
  onRateLimited?: (delayMs: number) => void;
  /** The first success after trouble. */
  onRecovered?: () => void;
  /** A 404 before any keepalive was accepted: the server has no keepalive route; no more are sent. */
  onUnsupported?: (outcome: Extract<KeepaliveOutcome, { kind: 'session-over' }>) => void;
  timers?: KeepAliveTimers;
}

/**
 * Renews the edit session's lease on the server: one keepalive at start, then one per interval.
 * The next one is scheduled only when the previous one has been answered (never two at once, never
 * a tight loop); trouble waits for the next tick, 429 for its Retry-After.
 */
export class KeepAlive {
  private readonly aborter = new AbortController();
  private readonly timers: KeepAliveTimers;
  private timer: unknown;
  private failing = false;
  private everRenewed = false;

  constructor(private readonly options: KeepAliveOptions) {
    this.timers = options.timers ?? realTimers;
  }

  get stopped(): boolean {
    return this.aborter.signal.aborted;
  }

  start(): void {
    if (!this.stopped && this.timer === undefined) this.schedule(0);
  }

  /** Clears the pending timer and aborts a keepalive in flight; nothing is called afterwards. */
  stop(): void {
    if (this.stopped) return;
    this.aborter.abort();
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = this.timers.set(() => void this.tick().catch((error: Error) => this.options.onTrouble(`keepalive handling failed: ${error.message}`)), ms);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let delay = this.options.intervalMs;
    try {
      const outcome = await this.options.send(this.aborter.signal).catch(
        (error: Error): KeepaliveOutcome => ({ kind: 'transient', message: error.message }),
      );
      if (this.stopped) return;
      switch (outcome.kind) {
        case 'renewed':
          if (this.failing) this.options.onRecovered?.();
          this.failing = false;
          this.everRenewed = true;
          await this.options.onRenewed(outcome.expiresAt);
          break;
        case 'session-over':
          this.stop();
          // A server older than the keepalive route answers 404 to every one: that must not end
          // sessions it keeps alive itself. Uploads still tell an unknown session (their 404).
          if (outcome.status === 404 && !this.everRenewed && this.options.onUnsupported) {
            this.options.onUnsupported(outcome);
            return;
          }
          await this.options.onSessionOver(outcome);
          return;
        case 'rate-limited':
          // The lease was not renewed: try again as soon as the server allows, not a whole interval later.
          delay = Math.min(outcome.retryAfterMs ?? this.options.intervalMs, this.options.maxRetryAfterMs);
          this.options.onRateLimited?.(delay);
          break;
        case 'transient':
          if (!this.failing) this.options.onTrouble(outcome.message);
          this.failing = true;
          break;
      }
    } finally {
      // Also after a throwing callback: the lease must keep being renewed.
      if (!this.stopped) this.schedule(delay);
      else this.timer = undefined;
    }
  }
}
