import { Throttle } from '@nestjs/throttler';

const MINUTE_MS = 60_000;

/** Named limits, each "N requests per window per caller" (DESIGN.md; word-edit spec "Rate Limiting"). */
export const RateLimits = {
  sessionCreate: { limit: 10, ttl: MINUTE_MS },
  sessionRetrieve: { limit: 60, ttl: MINUTE_MS },
  agentUpload: { limit: 5, ttl: MINUTE_MS },
  apiToken: { limit: 50, ttl: MINUTE_MS },
  /** Sign-up, forgot- and reset-password, per address: mail and scrypt cost something. */
  selfService: { limit: 20, ttl: MINUTE_MS },
} as const;

export type RateLimitName = keyof typeof RateLimits;

/** Applies one named limit to a route instead of the default. */
export const RateLimit = (name: RateLimitName): MethodDecorator & ClassDecorator => Throttle({ default: RateLimits[name] });
