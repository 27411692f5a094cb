import { Injectable } from '@nestjs/common';
import { isAdmin } from '@quire/auth';
import { IdentityEvents, Principal, TokenRevokedEvent } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Outbox, Transactional } from '@quire/platform';
import { ApiTokensRepository } from './api-tokens.repository';

/** Admins revoke any token of the account, others their own; `token_revoked` in the same transaction. */
@Injectable()
export class RevokeApiTokenUseCase {
  constructor(
    private readonly tokens: ApiTokensRepository,
    private readonly outbox: Outbox,
  ) {}

  @Transactional()
  async execute({ principal, id }: { principal: Principal; id: string }): Promise<void> {
    const ownerId = await this.tokens.revoke(principal, id, isAdmin(principal) ? undefined : principal.userId);
    if (!ownerId) throw DomainError.notFound('Token');
    const event: TokenRevokedEvent = { accountId: principal.accountId, userId: ownerId, tokenId: id };
    await this.outbox.record(IdentityEvents.tokenRevoked, event);
  }
}
