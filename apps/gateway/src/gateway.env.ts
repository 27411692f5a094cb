import { IsOptional, IsString, Matches } from 'class-validator';
import { CommonEnv, IntEnv, SecretEnv } from '@quire/platform';

const ANCESTOR = String.raw`(?:'self'|https?://(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d{1,5})?)`;
/** `'none'` alone, or a list of `'self'` and origins. */
const FRAME_ANCESTORS_PATTERN = new RegExp(String.raw`^\s*(?:'none'|${ANCESTOR}(?:[\s,]+${ANCESTOR})*)\s*$`);

/** The `frame-ancestors` sources of a valid VIEWER_FRAME_ANCESTORS. */
export function frameAncestorsOf(setting: string): string[] {
  return setting.split(/[\s,]+/).filter(Boolean);
}

/** Settings of the gateway (see README, "Configuration"). */
export class GatewayEnv extends CommonEnv {
  /** Signs and verifies login tokens; at least 32 characters. */
  @SecretEnv()
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
  @IntEnv({ min: 1024, max: 100 * 1024 * 1024 })
  BODY_LIMIT_BYTES: number = 1024 * 1024;

  /** Deepest nesting of objects / arrays in a JSON body, checked while parsing (ADR 017). */
  @IntEnv({ min: 4, max: 512 })
  JSON_MAX_DEPTH: number = 32;

  /**
   * Longest time to receive a whole request, headers and body (Node's `requestTimeout`); a slower
   * one is answered 408 and closed. Bounds the biggest upload's duration: 600 s holds 100 MiB at
   * 1.4 Mbit/s. A stalled body ends sooner, at UPLOAD_IDLE_TIMEOUT_SECONDS / HTTP_IDLE_TIMEOUT_SECONDS.
   */
  // At least Node's headersTimeout (60 s), which must not exceed it.
  @IntEnv({ min: 60, max: 86_400 })
  HTTP_REQUEST_TIMEOUT_SECONDS: number = 600;

  /**
   * A connection on which nothing moves for this long is closed (Fastify's `connectionTimeout`,
   * the socket's inactivity timeout). It also runs while the gateway waits for a service, so it
   * must exceed the longest wait for one answer (an upload commit: 3 × 30 s).
   */
  @IntEnv({ min: 1, max: 3600 })
  HTTP_IDLE_TIMEOUT_SECONDS: number = 120;

  /** How long a keep-alive connection waits for its next request (above the ingress's own idle timeout). */
  @IntEnv({ min: 1, max: 3600 })
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: number = 72;

  /**
   * An upload whose client sends no byte for this long is abandoned: the staged object is aborted
   * and deleted, the answer is 408 and the connection is closed.
   */
  @IntEnv({ min: 1, max: 3600 })
  UPLOAD_IDLE_TIMEOUT_SECONDS: number = 30;

  /**
   * How many proxies in front of the gateway to trust for X-Forwarded-For (the ingress: 1).
   * 0 trusts none, so a client cannot choose the address its rate limit counts under.
   */
  @IntEnv({ min: 0, max: 10 })
  TRUST_PROXY_HOPS: number = 0;

  /** How long a principal identity resolved is reused (revocation events end it sooner). */
  @IntEnv({ min: 0, max: 300 })
  AUTH_CACHE_TTL_SECONDS: number = 30;

  /** Most principals kept in that cache (oldest out first). */
  @IntEnv({ min: 1, max: 1_000_000 })
  AUTH_CACHE_MAX_ENTRIES: number = 10_000;

  /**
   * Memory for image variants served by /files/view (content-addressed, so never stale; each
   * request still checks its link and the live row). 0 turns the cache off.
   */
  @IntEnv({ min: 0, max: 1024 * 1024 * 1024 })
  VIEW_CACHE_BYTES: number = 32 * 1024 * 1024;

  /** Requests per minute per caller on any route without a tighter named limit. */
  @IntEnv({ min: 1 })
  RATE_LIMIT_PER_MINUTE: number = 600;

  /** Largest WebSocket message a client may send; larger ones close the socket (1009). */
  @IntEnv({ min: 256, max: 1024 * 1024 })
  WS_MAX_MESSAGE_BYTES: number = 16 * 1024;

  /**
   * Who may embed the browser viewer (`/viewer`) in a frame: its CSP `frame-ancestors`, comma- or
   * space-separated — `'self'`, `'none'`, or origins such as `https://app.example.com`,
   * `https://*.example.com`, `http://localhost:8080`.
   */
  @Matches(FRAME_ANCESTORS_PATTERN, { message: "VIEWER_FRAME_ANCESTORS lists 'self', 'none' (alone) or origins like https://app.example.com" })
  VIEWER_FRAME_ANCESTORS: string = "'self'";

  /** Folder of the built viewer (index.html and its assets; `node scripts/build.js`). Default: beside the compiled gateway. */
  @IsOptional()
  @IsString()
  VIEWER_ASSETS_DIR?: string;

  @IntEnv({ min: 1, max: 1000 })
  WS_MAX_ROOMS_PER_SOCKET: number = 50;

  /** Outgoing bytes queued for one socket before it is closed as too slow (1013). */
  @IntEnv({ min: 64 * 1024 })
  WS_MAX_BUFFERED_BYTES: number = 4 * 1024 * 1024;

  /** Pings every socket this often; one that has not answered the previous ping is dropped. */
  @IntEnv({ min: 1, max: 600 })
  WS_HEARTBEAT_SECONDS: number = 30;
}
