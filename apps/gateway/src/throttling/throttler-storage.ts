import { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { GatewayEnv } from '../gateway.env';

/** Every rate-limit key in Redis starts with this (easy to find, never clashes with other data). */
export const THROTTLE_KEY_PREFIX = 'quire:throttle:';

/**
 * Redis counters shared by every gateway replica when REDIS_URL is set; this process's memory
 * otherwise. Keys expire with their window (the storage sets PEXPIRE / PX on every key).
 */
export function throttlerStorage(env: GatewayEnv): ThrottlerStorage | undefined {
  if (!env.REDIS_URL) return undefined;
  // Given a URL rather than a client, the storage owns the connection and closes it on shutdown.
  return new ThrottlerStorageRedisService(env.REDIS_URL, { keyPrefix: THROTTLE_KEY_PREFIX, maxRetriesPerRequest: 2 });
}
