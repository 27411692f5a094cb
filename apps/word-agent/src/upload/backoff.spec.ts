import { backoffDelayMs, parseRetryAfterMs } from './backoff';

describe('backoffDelayMs', () => {
  const policy = { baseMs: 100, maxMs: 5_000 };

  it('grows exponentially up to the cap (upper bound with random = 1)', () => {
    expect([0, 1, 2, 3, 10, 60].map((attempt) => backoffDelayMs(attempt, policy, () => 1))).toEqual([100, 200, 400, 800, 5_000, 5_000]);
  });

  it('is jittered below the bound but never below a tenth of it', () => {
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(400);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(80);
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelayMs(5, policy)));
    expect(seen.size).toBeGreaterThan(5);
    for (const delay of seen) expect(delay).toBeLessThanOrEqual(3_200);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('3')).toBe(3_000);
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(parseRetryAfterMs('Mon, 23 Nov 2026 12:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfterMs('Mon, 23 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfterMs(null)).toBeUndefined();
    expect(parseRetryAfterMs('soon')).toBeUndefined();
  });
});
