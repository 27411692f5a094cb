import { applyDecorators, SetMetadata } from '@nestjs/common';
import { Throttle } from '@nestjs/throttler';

const MINUTE_MS = 60_000;

/** Who one bucket counts: the user whatever credential they use, the Word agent's session, or the address. */
export type BucketClient = 'user' | 'edit-session' | 'address';

/**
 * Named buckets, each "N requests per window per client" (word-edit spec "Rate Limiting";
 * ADR 018). Every route carrying the same name shares one counter per client: the session-
 * creation routes (start, take over) are one budget, not one each.
 */
export const RateLimits = {
  sessionCreate: { limit: 10, ttl: MINUTE_MS, per: 'user' },
  sessionRetrieve: { limit: 60, ttl: MINUTE_MS, per: 'user' },
  agentUpload: { limit: 5, ttl: MINUTE_MS, per: 'edit-session' },
  /** Sign-up, forgot- and reset-password, per address: mail and scrypt cost something. */
  selfService: { limit: 20, ttl: MINUTE_MS, per: 'address' },
} as const satisfies Record<string, { limit: number; ttl: number; per: BucketClient }>;

export type RateLimitName = keyof typeof RateLimits;

/** Metadata key naming the bucket a route counts in. */
export const RATE_LIMIT_BUCKET = 'quire:rateLimitBucket';

/**
 * Counts a route in one named bucket instead of the caller's general one. (The @Throttle metadata
 * keeps @nestjs/throttler's own view of the limit in line, e.g. for its headers.)
 */
export const RateLimit = (name: RateLimitName): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(RATE_LIMIT_BUCKET, name), Throttle({ default: { limit: RateLimits[name].limit, ttl: RateLimits[name].ttl } }));
