import { editSessionOf, scopeValue } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { RateLimitName, RateLimits } from './rate-limits';

const MINUTE_MS = 60_000;

/** An API token's limit when identity's answer carries none (identity's own default is the same). */
export const API_TOKEN_DEFAULT_PER_MINUTE = 50;

/** One counter: every request that maps to the same key shares it, whatever the route. */
export interface RateLimitBucket {
  key: string;
  limit: number;
  ttl: number;
}

export interface BucketQuestion {
  /** The route's named bucket, if it has one. */
  named?: RateLimitName;
  principal?: Principal;
  /** The client's address (after TRUST_PROXY_HOPS). */
  address: string;
  /** RATE_LIMIT_PER_MINUTE: the general bucket of a user or an address, and the cap of a token's own limit. */
  defaultPerMinute: number;
}

/**
 * The one bucket a request counts in (ADR 018). Counters are per client, never per route:
 * - a named bucket counts its own client kind: the user (whichever credential: a login token or
 *   any of their API tokens), the Word agent's edit session, or the address;
 * - otherwise an API token is a client of its own (documents spec: "configurable on a per-client
 *   basis", default 50/min) across every route and family, at its own limit, at most the default;
 * - otherwise the user, across every route, at the default; without a principal, the address.
 */
export function rateLimitBucket({ named, principal, address, defaultPerMinute }: BucketQuestion): RateLimitBucket {
  const ip = `ip:${address}`;
  // The Word agent's token is accepted on its upload route only; its client is always its session.
  const editSession = principal ? editSessionOf(principal) : undefined;
  const caller = !principal ? ip : editSession ? `edit-session:${principal.accountId}:${editSession.sessionId}` : `user:${principal.accountId}:${principal.userId}`;
  if (named) {
    const { limit, ttl, per } = RateLimits[named];
    return { key: `${named}:${per === 'address' ? ip : caller}`, limit, ttl };
  }
  const tokenId = principal ? scopeValue(principal.scopes, 'api_token') : undefined;
  if (tokenId) {
    const own = principal!.rateLimitPerMinute ?? API_TOKEN_DEFAULT_PER_MINUTE;
    return { key: `token:${tokenId}`, limit: Math.min(own, defaultPerMinute), ttl: MINUTE_MS };
  }
  return { key: caller, limit: defaultPerMinute, ttl: MINUTE_MS };
}
