import { KeepaliveOutcome } from '../upload/keepalive-client';
import { KeepAlive, KeepAliveOptions, KeepAliveTimers } from './keep-alive';

/** Timers driven by hand: `fire()` runs the one pending timer and lets its promises settle. */
class ManualTimers implements KeepAliveTimers {
  pending: { fire: () => void; ms: number; id: number } | undefined;
  readonly scheduled: number[] = [];
  private ids = 0;
  set(fire: () => void, ms: number): unknown {
    if (this.pending) throw new Error('two keepalive timers at once');
    this.pending = { fire, ms, id: ++this.ids };
    this.scheduled.push(ms);
    return this.pending.id;
  }
  clear(handle: unknown): void {
    if (this.pending?.id === handle) this.pending = undefined;
  }
  async fire(): Promise<void> {
    const pending = this.pending;
    if (!pending) throw new Error('no timer pending');
    this.pending = undefined;
    pending.fire();
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }
}

function setup(outcomes: KeepaliveOutcome[], overrides: Partial<KeepAliveOptions> = {}) {
  const timers = new ManualTimers();
  const events: string[] = [];
  const signals: AbortSignal[] = [];
  const keepAlive = new KeepAlive({
    intervalMs: 300_000,
    maxRetryAfterMs: 600_000,
    send: async (signal) => {
      signals.push(signal);
      const outcome = outcomes.shift();
      if (!outcome) throw new Error('no outcome left');
      return outcome;
    },
    onRenewed: (expiresAt) => void events.push(`renewed ${expiresAt}`),
    onSessionOver: (outcome) => void events.push(`over ${outcome.status}`),
    onTrouble: (message) => void events.push(`trouble ${message}`),
    onRecovered: () => void events.push('recovered'),
    timers,
    ...overrides,
  });
  return { timers, events, signals, keepAlive };
}

const renewed = (expiresAt: number): KeepaliveOutcome => ({ kind: 'renewed', status: 200, expiresAt });
const down: KeepaliveOutcome = { kind: 'transient', message: 'server not reachable (ECONNREFUSED)' };

describe('KeepAlive', () => {
  it('sends one at start, then one per interval after each answer', async () => {
    const { timers, events, keepAlive } = setup([renewed(1), renewed(2), renewed(3)]);
    keepAlive.start();
    expect(timers.scheduled).toEqual([0]);
    await timers.fire();
    await timers.fire();
    await timers.fire();
    expect(events).toEqual(['renewed 1', 'renewed 2', 'renewed 3']);
    expect(timers.scheduled).toEqual([0, 300_000, 300_000, 300_000]);
  });

  it('reports trouble once per streak and tries again at the next tick, not sooner', async () => {
    const { timers, events, keepAlive } = setup([down, { kind: 'transient', status: 503, message: 'HTTP 503' }, down, renewed(9), down]);
    keepAlive.start();
    for (let i = 0; i < 5; i++) await timers.fire();
    expect(events).toEqual(['trouble server not reachable (ECONNREFUSED)', 'recovered', 'renewed 9', 'trouble server not reachable (ECONNREFUSED)']);
    expect(timers.scheduled.slice(1)).toEqual([300_000, 300_000, 300_000, 300_000, 300_000]);
  });

  it('waits Retry-After (capped) after a 429, the interval when there is none', async () => {
    const { timers, keepAlive } = setup([
      { kind: 'rate-limited', status: 429, retryAfterMs: 5_000, message: 'slow down' },
      { kind: 'rate-limited', status: 429, retryAfterMs: 3_600_000, message: 'slow down' },
      { kind: 'rate-limited', status: 429, message: 'slow down' },
    ]);
    keepAlive.start();
    for (let i = 0; i < 3; i++) await timers.fire();
    expect(timers.scheduled).toEqual([0, 5_000, 600_000, 300_000]);
  });

  it('stops for good when the session is over: no further timer', async () => {
    const { timers, events, keepAlive } = setup([renewed(1), { kind: 'session-over', status: 403, message: 'Session was taken over' }]);
    keepAlive.start();
    await timers.fire();
    await timers.fire();
    expect(events).toEqual(['renewed 1', 'over 403']);
    expect(timers.pending).toBeUndefined();
    expect(keepAlive.stopped).toBe(true);
  });

  it('a 404 before any keepalive was accepted means no keepalive route (older server): stops quietly', async () => {
    const unsupported: number[] = [];
    const old = setup([{ kind: 'session-over', status: 404, message: 'Not found' }], { onUnsupported: (outcome) => void unsupported.push(outcome.status) });
    old.keepAlive.start();
    await old.timers.fire();
    expect(unsupported).toEqual([404]);
    expect(old.events).toEqual([]);
    expect(old.timers.pending).toBeUndefined();

    // After one was accepted, a 404 is an unknown session: over.
    const gone = setup([renewed(1), { kind: 'session-over', status: 404, message: 'Unknown session' }], { onUnsupported: () => void unsupported.push(0) });
    gone.keepAlive.start();
    await gone.timers.fire();
    await gone.timers.fire();
    expect(gone.events).toEqual(['renewed 1', 'over 404']);
    expect(unsupported).toEqual([404]);
  });

  it('stop() clears the pending timer and aborts the keepalive in flight without calling back', async () => {
    const stopped = setup([renewed(1)]);
    stopped.keepAlive.start();
    await stopped.timers.fire();
    expect(stopped.timers.pending).toBeDefined();
    stopped.keepAlive.stop();
    expect(stopped.timers.pending).toBeUndefined();

    let answer: (outcome: KeepaliveOutcome) => void = () => undefined;
    const inFlight = setup([], { send: (signal) => (inFlight.signals.push(signal), new Promise((resolve) => (answer = resolve))) });
    inFlight.keepAlive.start();
    await inFlight.timers.fire();
    inFlight.keepAlive.stop();
    expect(inFlight.signals[0].aborted).toBe(true);
    answer(renewed(5));
    await new Promise((resolve) => setImmediate(resolve));
    expect(inFlight.events).toEqual([]);
    expect(inFlight.timers.pending).toBeUndefined();
  });

  it('keeps renewing when a callback throws', async () => {
    const { timers, events, keepAlive } = setup([renewed(1), renewed(2)], {
      onRenewed: () => {
        throw new Error('disk full');
      },
    });
    keepAlive.start();
    await timers.fire();
    expect(events).toEqual(['trouble keepalive handling failed: disk full']);
    expect(timers.pending?.ms).toBe(300_000);
  });

  it('uses real timers that do not keep the process alive', () => {
    const keepAlive = new KeepAlive({
      intervalMs: 1_000,
      maxRetryAfterMs: 1_000,
      send: () => new Promise(() => undefined),
      onRenewed: () => undefined,
      onSessionOver: () => undefined,
      onTrouble: () => undefined,
    });
    keepAlive.start();
    const handle = (keepAlive as unknown as { timer: NodeJS.Timeout }).timer;
    expect(handle.hasRef()).toBe(false);
    keepAlive.stop();
  });
});
