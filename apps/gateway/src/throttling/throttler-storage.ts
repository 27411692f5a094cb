import { Logger, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { GatewayEnv } from '../gateway.env';

/** Every rate-limit key in Redis starts with this (easy to find, never clashes with other data). */
export const THROTTLE_KEY_PREFIX = 'quire:throttle:';

type ThrottlerRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** How often a Redis outage is logged while it lasts. */
const WARN_EVERY_MS = 30_000;

interface Window {
  hits: number;
  /** When the hit window ends (ms since the epoch). */
  resetsAt: number;
  /** When the block ends; 0 when not blocked. */
  blockedUntil: number;
}

/**
 * This replica's counters, with the semantics of the Redis storage's script (a fixed window per
 * key and throttler that starts at its first hit; a hit over the limit blocks the key for
 * blockDuration) and O(1) work per hit.
 * @nestjs/throttler's own memory storage keeps every hit's expiry in an array and filters it on
 * every request: O(hits in the window), a tenth of the gateway's CPU under load (ADR 008).
 * Expired windows are swept once per SWEEP_MS.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private static readonly SWEEP_MS = 60_000;
  private readonly windows = new Map<string, Window>();
  private readonly sweeper = setInterval(() => this.sweep(Date.now()), MemoryThrottlerStorage.SWEEP_MS).unref();

  /**
   * @param maxKeys counters held at most: at the bound, ended windows are swept at once and, if
   *   still full, the oldest counters are dropped (a flood of new callers costs memory, not the
   *   process). Dropping one only restarts that caller's window.
   */
  constructor(private readonly maxKeys = 200_000) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerRecord> {
    return this.hit(`${key}:${throttlerName}`, ttl, limit, blockDuration, Date.now());
  }

  /** One hit at `now`; synchronous so that concurrent hits of one key are counted one by one. */
  hit(id: string, ttl: number, limit: number, blockDuration: number, now: number): ThrottlerRecord {
    let window = this.windows.get(id);
    if (!window) {
      if (this.windows.size >= this.maxKeys) this.makeRoom(now);
      window = { hits: 0, resetsAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, window);
    }
    // Each step as the script does it: the hit key expires, INCR, the block key expires, block.
    if (window.resetsAt <= now) {
      window.hits = 0;
      window.resetsAt = now + ttl;
    }
    window.hits += 1;
    if (window.blockedUntil !== 0 && window.blockedUntil <= now) window.blockedUntil = 0;
    if (window.blockedUntil === 0 && window.hits > limit) {
      if (blockDuration <= 0) {
        window.hits = 1;
        window.resetsAt = now + ttl;
      } else {
        window.blockedUntil = now + blockDuration;
      }
    }
    const blocked = window.blockedUntil !== 0;
    return {
      totalHits: window.hits,
      timeToExpire: seconds(window.resetsAt - now),
      isBlocked: blocked,
      timeToBlockExpire: blocked ? seconds(window.blockedUntil - now) : 0,
    };
  }

  /** Counters still held (for tests). */
  get size(): number {
    return this.windows.size;
  }

  sweep(now: number): void {
    for (const [id, window] of this.windows) {
      if (window.resetsAt <= now && window.blockedUntil <= now) this.windows.delete(id);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  private makeRoom(now: number): void {
    this.sweep(now);
    // Map order is insertion order: the first keys are the oldest counters.
    for (const id of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(id);
    }
  }
}

const seconds = (ms: number): number => Math.ceil(ms / 1000);

/**
 * Shared counters that fail open to this replica's memory: while Redis is down or slow, each
 * replica limits on its own (limits stay, per replica) instead of answering 500 to everyone.
 */
export class FailOpenThrottlerStorage implements ThrottlerStorage, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('Throttler');
  private readonly fallback = new MemoryThrottlerStorage();
  private lastWarning = 0;

  constructor(private readonly shared: ThrottlerStorage & Partial<OnModuleDestroy>) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerRecord> {
    try {
      return await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
    } catch (error) {
      if (Date.now() - this.lastWarning > WARN_EVERY_MS) {
        this.lastWarning = Date.now();
        this.logger.warn({ err: error }, 'Rate-limit store unavailable: counting in this replica until it is back');
      }
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.shared.onModuleDestroy?.();
  }

  onApplicationShutdown(): void {
    this.fallback.onApplicationShutdown();
  }
}

/**
 * Redis counters shared by every gateway replica when REDIS_URL is set; this process's memory
 * otherwise. Keys expire with their window (the storage sets PEXPIRE / PX on every key).
 */
export function throttlerStorage(env: GatewayEnv): ThrottlerStorage {
  if (!env.REDIS_URL) return new MemoryThrottlerStorage();
  return new FailOpenThrottlerStorage(redisThrottlerStorage(env.REDIS_URL));
}

/** The shared counters: one script call (one round trip) per increment. */
export function redisThrottlerStorage(url: string): ThrottlerStorageRedisService {
  // Given a URL rather than a client, the storage owns the connection and closes it on shutdown.
  // No offline queue and a command timeout: during an outage a request falls back at once.
  const redis = new ThrottlerStorageRedisService(url, {
    keyPrefix: THROTTLE_KEY_PREFIX,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: 500,
  });
  // Connection errors surface as failed commands (and a throttled warning); without a listener
  // ioredis would print every reconnect attempt to stderr.
  redis.redis.on('error', () => undefined);
  return redis;
}
