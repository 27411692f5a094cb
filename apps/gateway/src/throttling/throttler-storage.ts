import { Logger, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { GatewayEnv } from '../gateway.env';

/** Every rate-limit key in Redis starts with this (easy to find, never clashes with other data). */
export const THROTTLE_KEY_PREFIX = 'quire:throttle:';

type ThrottlerRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** How often a Redis outage is logged while it lasts. */
const WARN_EVERY_MS = 30_000;

/**
 * Shared counters that fail open to this replica's memory: while Redis is down or slow, each
 * replica limits on its own (limits stay, per replica) instead of answering 500 to everyone.
 */
export class FailOpenThrottlerStorage implements ThrottlerStorage, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('Throttler');
  private readonly fallback = new ThrottlerStorageService();
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
export function throttlerStorage(env: GatewayEnv): ThrottlerStorage | undefined {
  if (!env.REDIS_URL) return undefined;
  // Given a URL rather than a client, the storage owns the connection and closes it on shutdown.
  // No offline queue and a command timeout: during an outage a request falls back at once.
  const redis = new ThrottlerStorageRedisService(env.REDIS_URL, {
    keyPrefix: THROTTLE_KEY_PREFIX,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: 500,
  });
  // Connection errors surface as failed commands (and a throttled warning); without a listener
  // ioredis would print every reconnect attempt to stderr.
  redis.redis.on('error', () => undefined);
  return new FailOpenThrottlerStorage(redis);
}
