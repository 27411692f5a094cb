import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { CommonEnv } from '@quire/platform';

/** Settings of the gateway (see README, "Configuration"). */
export class GatewayEnv extends CommonEnv {
  /** Signs and verifies login tokens; at least 32 characters. */
  @IsString()
  @MinLength(32)
  JWT_SECRET: string;

  /** Shared rate-limit counters across replicas; in-memory counters when unset. */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/)
  REDIS_URL?: string;

  /** Comma-separated origins allowed by CORS; empty allows none. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /** Largest JSON / form body (uploads have their own per-route limits). */
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 1024 * 1024;

  /**
   * How many proxies in front of the gateway to trust for X-Forwarded-For (the ingress: 1).
   * 0 trusts none, so a client cannot choose the address its rate limit counts under.
   */
  @IsInt()
  @Min(0)
  @Max(10)
  TRUST_PROXY_HOPS: number = 0;

  /** How long a principal identity resolved is reused (revocation events end it sooner). */
  @IsInt()
  @Min(0)
  @Max(300)
  AUTH_CACHE_TTL_SECONDS: number = 30;

  /** Most principals kept in that cache (oldest out first). */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTH_CACHE_MAX_ENTRIES: number = 10_000;

  /**
   * Memory for image variants served by /files/view (content-addressed, so never stale; each
   * request still checks its link and the live row). 0 turns the cache off.
   */
  @IsInt()
  @Min(0)
  @Max(1024 * 1024 * 1024)
  VIEW_CACHE_BYTES: number = 32 * 1024 * 1024;

  /** Requests per minute per caller on any route without a tighter named limit. */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE: number = 600;

  /** Largest WebSocket message a client may send; larger ones close the socket (1009). */
  @IsInt()
  @Min(256)
  @Max(1024 * 1024)
  WS_MAX_MESSAGE_BYTES: number = 16 * 1024;

  @IsInt()
  @Min(1)
  @Max(1000)
  WS_MAX_ROOMS_PER_SOCKET: number = 50;

  /** Outgoing bytes queued for one socket before it is closed as too slow (1013). */
  @IsInt()
  @Min(64 * 1024)
  WS_MAX_BUFFERED_BYTES: number = 4 * 1024 * 1024;

  /** Pings every socket this often; one that has not answered the previous ping is dropped. */
  @IsInt()
  @Min(1)
  @Max(600)
  WS_HEARTBEAT_SECONDS: number = 30;
}
