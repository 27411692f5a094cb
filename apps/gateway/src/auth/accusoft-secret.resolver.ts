import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { JSONCodec, NatsConnection, Subscription } from 'nats';
import { hashSecret } from '@quire/auth';
import { Principal, ViewingEvents, ViewingSubjects } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { NATS_CONNECTION, RpcClient } from '@quire/platform';
import { GatewayEnv } from '../gateway.env';
import { IdentityResolution } from './identity-resolution';

const codec = JSONCodec<{ secretId?: unknown }>();

/**
 * `Accusoft-Secret` (viewing family, server-to-server): the viewing-session service owns the
 * per-account secrets and answers the principal of the account. Cached in the gateway's principal
 * cache by the secret's hash (never the secret), dropped on `evt.viewing-session.secret_revoked`.
 * A refused secret is 403 InvalidSecret (PrizmDoc's answer), not 401.
 */
@Injectable()
export class AccusoftSecretResolver implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AccusoftSecretResolver.name);
  private subscription?: Subscription;

  constructor(
    private readonly rpc: RpcClient,
    private readonly identity: IdentityResolution,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    private readonly env: GatewayEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.connection.subscribe(`${this.env.NATS_SUBJECT_PREFIX}${ViewingEvents.secretRevoked}`, {
      callback: (error, message) => {
        if (error) return this.logger.error({ err: error }, 'Secret revocation subscription failed');
        try {
          const { secretId } = codec.decode(message.data);
          if (typeof secretId === 'string') this.identity.cache.revokeToken(secretId);
        } catch {
          this.logger.warn('Unreadable secret revocation event');
        }
      },
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  async resolve(secret: string): Promise<Principal> {
    const key = `vs:${hashSecret(secret)}`;
    const cached = this.identity.cache.get(key);
    if (cached) return cached;
    const startedAt = Date.now();
    let principal: Principal;
    try {
      principal = await this.rpc.request<Principal>(ViewingSubjects.resolveSecret, { secret }, { requestId: `auth-${randomUUID()}` });
    } catch (error) {
      if (error instanceof DomainError && (error.code === ErrorCode.ServiceUnavailable || error.code === ErrorCode.UpstreamTimeout)) throw error;
      throw DomainError.forbidden('Invalid Accusoft-Secret', { errorCode: 'InvalidSecret' });
    }
    const secretId = principal.scopes.find((scope) => scope.startsWith('viewing_secret:'))?.slice('viewing_secret:'.length);
    this.identity.cache.set(key, principal, { userId: principal.userId, ...(secretId ? { tokenId: secretId } : {}) }, startedAt);
    return principal;
  }
}
