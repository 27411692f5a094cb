import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '@quire/errors';
import { AuthenticatedRequest } from '../../auth/auth.guard';

/**
 * `X-AccountCode` is optional; when sent it must name the account the credential belongs to.
 * A mismatch is a 401, the same answer as a wrong token, so the header cannot be used to probe
 * which account codes exist.
 */
@Injectable()
export class AccountCodeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const raw = request.headers['x-accountcode'];
    const given = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (!given) return true;
    if (!request.principal || given !== request.principal.accountCode) {
      throw DomainError.unauthenticated('The token does not belong to this account');
    }
    return true;
  }
}
