import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerRequest } from '@nestjs/throttler';
import { editSessionOf, scopeValue } from '@quire/auth';
import { DomainError, ErrorCode } from '@quire/errors';
import { isProbePath } from '@quire/platform';
import { AuthenticatedRequest } from '../auth/auth.guard';


/**
 * Counts per principal when there is one (per address otherwise); 429 with Retry-After. It runs
 * after AuthGuard (registered after it in GatewayModule), so the principal is already resolved.
 * WebSocket messages are bounded by the realtime gateway itself, not here.
 */
@Injectable()
export class QuireThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const url = context.switchToHttp().getRequest<AuthenticatedRequest>().url;
    // Probes and scrapes are not callers: a tight limit must never fail a readiness check.
    return isProbePath(url);
  }

  /**
   * An API token counts against its own per-minute limit (identity's answer: the token's own, or
   * the default 50), within the route's limit: a tighter named limit still applies.
   */
  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const principal = props.context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    const tokenLimit = principal && scopeValue(principal.scopes, 'api_token') ? principal.rateLimitPerMinute : undefined;
    if (tokenLimit !== undefined && tokenLimit < props.limit) return super.handleRequest({ ...props, limit: tokenLimit, ttl: 60_000 });
    return super.handleRequest(props);
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const principal = (request as unknown as AuthenticatedRequest).principal;
    // The Word agent is limited per edit session (word-edit spec: uploads per session).
    const editSession = principal && editSessionOf(principal);
    if (editSession) return `edit-session:${principal.accountId}:${editSession.sessionId}`;
    const tokenId = principal ? scopeValue(principal.scopes, 'api_token') : undefined;
    if (tokenId) return `token:${tokenId}`;
    if (principal) return `user:${principal.accountId}:${principal.userId}`;
    return `ip:${await super.getTracker(request)}`;
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
