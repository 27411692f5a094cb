import { Injectable } from '@nestjs/common';
import { apiTokenId, apiTokenScope, hashSecret, isAdmin, issueApiToken, requireTokenManager, safeEqual } from '@quire/auth';
import {
  ApiTokenView,
  CreateApiTokenBody,
  CreatedApiToken,
  Principal,
  ResolveApiTokenRequest,
} from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Outbox } from '@quire/platform';
import { IdentityEnv } from '../identity.env';
import { principalOf, UsersRepository } from '../users/users.repository';
import { ApiToken } from './api-token.entity';
import { ApiTokensRepository } from './api-tokens.repository';
import { RevokeApiTokenUseCase } from './revoke-api-token.use-case';

/** last_used_at is written at most this often per token (the gateway caches resolutions anyway). */
const LAST_USED_RESOLUTION_SECONDS = 60;

@Injectable()
export class ApiTokensService {
  constructor(
    private readonly tokens: ApiTokensRepository,
    private readonly revokeApiToken: RevokeApiTokenUseCase,
    private readonly users: UsersRepository,
    private readonly outbox: Outbox,
    private readonly env: IdentityEnv,
  ) {}

  /** Looked up by the id in the token, compared in constant time on the sha256 of the whole token. */
  async resolve(request: ResolveApiTokenRequest): Promise<Principal> {
    const invalid = () => DomainError.unauthenticated('Invalid or expired token');
    const id = apiTokenId(request.token);
    if (!id) throw invalid();
    const token = await this.tokens.byIdForResolution(id);
    const hashMatches = safeEqual(hashSecret(request.token), token?.tokenHash ?? '');
    if (!token || !hashMatches || token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= Date.now())) throw invalid();
    const user = await this.users.byId(token, token.userId);
    if (!user || user.status !== 'active') throw invalid();
    if (request.accountCode !== undefined && request.accountCode !== user.accountCode) throw invalid();
    await this.tokens.touch(token, id, LAST_USED_RESOLUTION_SECONDS);
    return principalOf(user, [apiTokenScope(id)], {
      rateLimitPerMinute: this.rateLimitOf(token),
      ...(token.expiresAt ? { credentialExpiresAtMs: token.expiresAt.getTime() } : {}),
    });
  }

  async create(principal: Principal, body: CreateApiTokenBody): Promise<CreatedApiToken> {
    requireTokenManager(principal, body.userId);
    if (body.rateLimitPerMinute !== undefined && !isAdmin(principal)) throw DomainError.forbidden('Only admins set a rate limit');
    if (body.expiresAt && body.expiresAt.getTime() <= Date.now()) throw DomainError.validation('expiresAt must be in the future', { fields: { expiresAt: ['in the past'] } });
    const owner = await this.users.byId(principal, body.userId);
    if (!owner) throw DomainError.notFound('User');
    const issued = issueApiToken();
    const saved = await this.tokens.insert(principal, {
      id: issued.id,
      userId: owner.id,
      name: body.name,
      tokenHash: issued.hash,
      rateLimitPerMinute: body.rateLimitPerMinute ?? null,
      expiresAt: body.expiresAt ?? null,
    });
    return { ...this.view(saved), token: issued.token };
  }

  /** Admins see the account's tokens, others their own; never a secret. */
  async list(principal: Principal): Promise<ApiTokenView[]> {
    const tokens = await this.tokens.list(principal, isAdmin(principal) ? undefined : principal.userId);
    return tokens.map((t) => this.view(t));
  }

  /** Deletes (revokes) a token; unusable on every gateway once the event arrives. */
  async revoke(principal: Principal, id: string): Promise<{ id: string; deleted: true }> {
    await this.revokeApiToken.execute({ principal, id });
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
