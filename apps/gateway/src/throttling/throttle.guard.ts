import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { DomainError, ErrorCode } from '@quire/errors';
import { AuthenticatedRequest } from '../auth/auth.guard';

/** Counts per principal when there is one (per address otherwise); 429 with Retry-After. */
@Injectable()
export class QuireThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const principal = (request as unknown as AuthenticatedRequest).principal;
    if (principal) return `user:${principal.accountId}:${principal.userId}`;
    return `ip:${String(request['ip'])}`;
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
