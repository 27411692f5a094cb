import { Injectable } from '@nestjs/common';
import { apiTokenId, hashSecret } from '@quire/auth';
import { Principal, Subjects } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { IdentityResolution } from './identity-resolution';

/**
 * Opaque API tokens `qk_<id>_<secret>` (documents `X-Api-Token`, file-upload `X-ApiToken`,
 * rest-auth `X-OS-API-TOKEN`): identity looks the id up and compares hashes in constant time.
 * Cached by the token's hash (never the token itself), dropped on `evt.identity.token_revoked`.
 */
@Injectable()
export class ApiTokenResolver {
  constructor(private readonly identity: IdentityResolution) {}

  async resolve(token: string, accountCode?: string): Promise<Principal> {
    const tokenId = apiTokenId(token);
    if (!tokenId) throw DomainError.unauthenticated('Invalid or expired token');
    return this.identity.resolve(
      `t:${hashSecret(token)}:${accountCode ?? ''}`,
      Subjects.Identity.resolveApiToken,
      { token, ...(accountCode !== undefined ? { accountCode } : {}) },
      (principal) => ({ userId: principal.userId, tokenId }),
    );
  }
}
