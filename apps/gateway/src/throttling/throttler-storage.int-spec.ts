import { randomUUID } from 'node:crypto';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { MemoryThrottlerStorage } from './throttler-storage';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('MemoryThrottlerStorage', () => {
  let memory: MemoryThrottlerStorage;

  beforeEach(() => (memory = new MemoryThrottlerStorage()));
  afterEach(() => memory.onApplicationShutdown());

  it('counts hits in a fixed window from the first hit and blocks over the limit for the block duration', () => {
    const t0 = 1_000_000;
    const hit = (at: number) => memory.hit('k', 60_000, 2, 30_000, t0 + at);
    expect(hit(0)).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    expect(hit(10_000)).toEqual({ totalHits: 2, timeToExpire: 50, isBlocked: false, timeToBlockExpire: 0 });
    expect(hit(20_000)).toEqual({ totalHits: 3, timeToExpire: 40, isBlocked: true, timeToBlockExpire: 30 });
    expect(hit(49_000)).toEqual({ totalHits: 4, timeToExpire: 11, isBlocked: true, timeToBlockExpire: 1 });
    // The block has ended but the window has not: still over the limit, so blocked again (as in Redis).
    expect(hit(50_000)).toEqual({ totalHits: 5, timeToExpire: 10, isBlocked: true, timeToBlockExpire: 30 });
    // Block and window over: this hit opens a new window.
    expect(hit(80_000)).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('starts a new window once the old one has passed, and keeps keys and throttlers apart', () => {
    const t0 = 5_000_000;
    for (let i = 0; i < 3; i++) memory.hit('a:default', 1_000, 10, 1_000, t0);
    expect(memory.hit('a:default', 1_000, 10, 1_000, t0 + 1_000).totalHits).toBe(1);
    expect(memory.hit('a:other', 1_000, 10, 1_000, t0).totalHits).toBe(1);
    expect(memory.hit('b:default', 1_000, 10, 1_000, t0).totalHits).toBe(1);
  });

  it('sweeps windows that have ended and are not blocked', () => {
    const t0 = 9_000_000;
    memory.hit('done', 1_000, 10, 1_000, t0);
    memory.hit('blocked', 1_000, 0, 10_000, t0);
    memory.hit('live', 5_000, 10, 1_000, t0);
    memory.sweep(t0 + 2_000);
    expect(memory.size).toBe(2);
    memory.sweep(t0 + 20_000);
    expect(memory.size).toBe(0);
  });

  it('keeps one counter per key however many hits the window holds (no per-hit list)', async () => {
    for (let i = 0; i < 200_000; i++) await memory.increment('busy', 60_000, 1_000_000, 60_000, 'default');
    expect((await memory.increment('busy', 60_000, 1_000_000, 60_000, 'default')).totalHits).toBe(200_001);
    expect(memory.size).toBe(1);
  });

  it('holds at most maxKeys counters: ended windows go first, then the oldest', () => {
    const bounded = new MemoryThrottlerStorage(3);
    try {
      const t0 = 2_000_000;
      bounded.hit('ended', 1_000, 10, 1_000, t0);
      bounded.hit('old', 60_000, 10, 1_000, t0);
      bounded.hit('mid', 60_000, 10, 1_000, t0);
      bounded.hit('new', 60_000, 10, 1_000, t0 + 5_000); // 'ended' is swept to make room
      expect(bounded.size).toBe(3);
      expect(bounded.hit('old', 60_000, 10, 1_000, t0 + 5_000).totalHits).toBe(2);
      bounded.hit('newer', 60_000, 10, 1_000, t0 + 5_000); // full of live windows: the oldest ('old') goes
      expect(bounded.size).toBe(3);
      expect(bounded.hit('mid', 60_000, 10, 1_000, t0 + 5_000).totalHits).toBe(2);
    } finally {
      bounded.onApplicationShutdown();
    }
  });

  it('answers like the Redis storage for the same hits within one window', async () => {
    const redis = new ThrottlerStorageRedisService(REDIS_URL, { keyPrefix: `quire:test:${randomUUID()}:` });
    const key = randomUUID();
    try {
      for (let i = 0; i < 6; i++) {
        const [fromRedis, fromMemory] = [await redis.increment(key, 60_000, 3, 30_000, 'default'), await memory.increment(key, 60_000, 3, 30_000, 'default')];
        expect(fromMemory).toEqual(fromRedis);
      }
    } finally {
      await redis.redis.del(`{${key}:default}:hits`, `{${key}:default}:blocked`);
      redis.onModuleDestroy();
    }
  });
});
