import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { apiTokenId, apiTokenScope, hashSecret, isAdmin, issueApiToken, requireTokenManager, safeEqual } from '@quire/auth';
import {
  ApiTokenView,
  CreateApiTokenBody,
  CreatedApiToken,
  IdentityEvents,
  Principal,
  ResolveApiTokenRequest,
  TokenRevokedEvent,
} from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { modifiedRows, Outbox } from '@quire/platform';
import { IdentityEnv } from '../identity.env';
import { principalOf, UsersRepository } from '../users/users.repository';
import { ApiToken } from './api-token.entity';

/** last_used_at is written at most this often per token (the gateway caches resolutions anyway). */
const LAST_USED_RESOLUTION_SECONDS = 60;

@Injectable()
export class ApiTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly outbox: Outbox,
    private readonly env: IdentityEnv,
  ) {}

  /** Looked up by the id in the token, compared in constant time on the sha256 of the whole token. */
  async resolve(request: ResolveApiTokenRequest): Promise<Principal> {
    const invalid = () => DomainError.unauthenticated('Invalid or expired token');
    const id = apiTokenId(request.token);
    if (!id) throw invalid();
    const token = await this.dataSource.getRepository(ApiToken).findOneBy({ id });
    const hashMatches = safeEqual(hashSecret(request.token), token?.tokenHash ?? '');
    if (!token || !hashMatches || token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= Date.now())) throw invalid();
    const user = await this.users.byId(token.accountId, token.userId);
    if (!user || user.status !== 'active') throw invalid();
    if (request.accountCode !== undefined && request.accountCode !== user.accountCode) throw invalid();
    await this.dataSource.query(
      `UPDATE "identity"."api_tokens" SET "last_used_at" = now()
       WHERE "id" = $1 AND ("last_used_at" IS NULL OR "last_used_at" < now() - make_interval(secs => $2))`,
      [id, LAST_USED_RESOLUTION_SECONDS],
    );
    return principalOf(user, [apiTokenScope(id)], { rateLimitPerMinute: this.rateLimitOf(token) });
  }

  async create(principal: Principal, body: CreateApiTokenBody): Promise<CreatedApiToken> {
    requireTokenManager(principal, body.userId);
    if (body.rateLimitPerMinute !== undefined && !isAdmin(principal)) throw DomainError.forbidden('Only admins set a rate limit');
    if (body.expiresAt && body.expiresAt.getTime() <= Date.now()) throw DomainError.validation('expiresAt must be in the future', { fields: { expiresAt: ['in the past'] } });
    const owner = await this.users.byId(principal.accountId, body.userId);
    if (!owner) throw DomainError.notFound('User');
    const issued = issueApiToken();
    const repository = this.dataSource.getRepository(ApiToken);
    await repository.insert({
      id: issued.id,
      accountId: principal.accountId,
      userId: owner.id,
      name: body.name,
      tokenHash: issued.hash,
      rateLimitPerMinute: body.rateLimitPerMinute ?? null,
      expiresAt: body.expiresAt ?? null,
    });
    const saved = await repository.findOneByOrFail({ id: issued.id, accountId: principal.accountId });
    return { ...this.view(saved), token: issued.token };
  }

  /** Admins see the account's tokens, others their own; never a secret. */
  async list(principal: Principal): Promise<ApiTokenView[]> {
    const tokens = await this.dataSource.getRepository(ApiToken).find({
      where: { accountId: principal.accountId, ...(isAdmin(principal) ? {} : { userId: principal.userId }), revokedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return tokens.map((t) => this.view(t));
  }

  /** Deletes (revokes) a token; unusable on every gateway once the event arrives. */
  async revoke(principal: Principal, id: string): Promise<{ id: string; deleted: true }> {
    await this.dataSource.transaction(async (manager) => {
      const rows: Array<{ user_id: string }> = await modifiedRows(manager, `UPDATE "identity"."api_tokens" SET "revoked_at" = now()
         WHERE "id" = $1 AND "account_id" = $2 AND "revoked_at" IS NULL AND ("user_id" = $3 OR $4)
         RETURNING "user_id"`,
        [id, principal.accountId, principal.userId, isAdmin(principal)],
      );
      if (!rows[0]) throw DomainError.notFound('Token');
      const event: TokenRevokedEvent = { accountId: principal.accountId, userId: rows[0].user_id, tokenId: id };
      await this.outbox.add(manager, IdentityEvents.tokenRevoked, event);
    });
    await this.outbox.flush();
    return { id, deleted: true };
  }

  private rateLimitOf(token: ApiToken): number {
    return token.rateLimitPerMinute ?? this.env.IDENTITY_API_TOKEN_RATE_LIMIT_PER_MINUTE;
  }

  private view(token: ApiToken): ApiTokenView {
    return {
      id: token.id,
      name: token.name,
      userId: token.userId,
      createdAt: token.createdAt.toISOString(),
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      expiresAt: token.expiresAt?.toISOString() ?? null,
      rateLimitPerMinute: this.rateLimitOf(token),
    };
  }
}
