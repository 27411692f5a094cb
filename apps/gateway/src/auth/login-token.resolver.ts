import { Injectable } from '@nestjs/common';
import { QuireJwt } from '@quire/auth';
import { Principal, Subjects } from '@quire/contracts';
import { IdentityResolution } from './identity-resolution';

/**
 * Login tokens (`POST /rest/ng/sessions`): signature, algorithm, issuer, audience and expiry are
 * checked here; then identity says whether the login session is still live (cached briefly,
 * dropped on `evt.identity.session_revoked`) and who the user is now (roles, status).
 */
@Injectable()
export class LoginTokenResolver {
  constructor(
    private readonly jwt: QuireJwt,
    private readonly identity: IdentityResolution,
  ) {}

  async resolve(token: string): Promise<Principal> {
    const { principal: claims, sessionId } = this.jwt.verifyLogin(token);
    return this.identity.resolve(
      `s:${sessionId}:${claims.userId}`,
      Subjects.Identity.resolveSession,
      { sessionId, userId: claims.userId },
      (principal) => ({ userId: principal.userId, sessionId }),
    );
  }
}
