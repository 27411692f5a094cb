import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerRequest } from '@nestjs/throttler';
import { DomainError, ErrorCode } from '@quire/errors';
import { isProbePath } from '@quire/platform';
import { AuthenticatedRequest } from '../auth/auth.guard';
import { rateLimitBucket } from './rate-limit-buckets';
import { RATE_LIMIT_BUCKET, RateLimitName } from './rate-limits';

/**
 * Counts every request in exactly one bucket per client (rate-limit-buckets.ts, ADR 018): one
 * storage call, so one Redis round trip per request. 429 with Retry-After. It runs after AuthGuard
 * (registered after it in GatewayModule), so the principal is already resolved. WebSocket messages
 * are bounded by the realtime gateway itself, not here.
 */
@Injectable()
export class QuireThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const url = context.switchToHttp().getRequest<AuthenticatedRequest>().url;
    // Probes and scrapes are not callers: a tight limit must never fail a readiness check.
    return isProbePath(url);
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { context, throttler } = props;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const named = this.reflector.getAllAndOverride<RateLimitName | undefined>(RATE_LIMIT_BUCKET, [context.getHandler(), context.getClass()]);
    const bucket = rateLimitBucket({
      named,
      principal: request.principal,
      address: await super.getTracker(request as unknown as Record<string, unknown>),
      // The module's default throttler is RATE_LIMIT_PER_MINUTE (named routes override props.limit).
      defaultPerMinute: this.defaultLimit(throttler.limit, props.limit),
    });
    return super.handleRequest({
      ...props,
      limit: bucket.limit,
      ttl: bucket.ttl,
      blockDuration: bucket.ttl,
      getTracker: async () => bucket.key,
      // The key is the bucket, not @nestjs/throttler's class-handler hash (that made one counter per route).
      generateKey: () => bucket.key,
    });
  }

  private defaultLimit(configured: ThrottlerRequest['throttler']['limit'], resolved: number): number {
    return typeof configured === 'number' ? configured : resolved;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new DomainError(ErrorCode.RateLimited, 'Too many requests', {
      retryAfterSeconds: Math.max(1, detail.timeToBlockExpire),
      limit: detail.limit,
    });
  }
}
