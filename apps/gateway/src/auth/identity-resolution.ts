import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { JSONCodec, NatsConnection, Subscription } from 'nats';
import { IdentityEvents, Principal, SessionRevokedEvent, TokenRevokedEvent, UserDisabledEvent } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { NATS_CONNECTION, RpcClient } from '@quire/platform';
import { GatewayEnv } from '../gateway.env';
import { CacheTags, PrincipalCache } from './principal-cache';

const codec = JSONCodec<Partial<SessionRevokedEvent & TokenRevokedEvent & UserDisabledEvent>>();

/**
 * Asks identity who a credential belongs to, through one cache per gateway process. Every replica
 * subscribes (no queue group) to identity's revocation events and drops what they name.
 */
@Injectable()
export class IdentityResolution implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdentityResolution.name);
  readonly cache: PrincipalCache;
  private subscriptions: Subscription[] = [];
  /** One question to identity per credential at a time: a burst of requests shares the answer. */
  private readonly inFlight = new Map<string, Promise<Principal>>();

  constructor(
    private readonly rpc: RpcClient,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    private readonly env: GatewayEnv,
  ) {
    this.cache = new PrincipalCache(env.AUTH_CACHE_TTL_SECONDS * 1000, env.AUTH_CACHE_MAX_ENTRIES);
  }

  onApplicationBootstrap(): void {
    const on = (subject: string, apply: (event: ReturnType<typeof codec.decode>) => void) =>
      this.connection.subscribe(`${this.env.NATS_SUBJECT_PREFIX}${subject}`, {
        callback: (error, message) => {
          if (error) return this.logger.error({ err: error }, 'Revocation subscription failed');
          try {
            apply(codec.decode(message.data));
          } catch {
            this.logger.warn(`Unreadable event on ${subject}`);
          }
        },
      });
    this.subscriptions = [
      on(IdentityEvents.sessionRevoked, (e) => typeof e.sessionId === 'string' && this.cache.revokeSession(e.sessionId)),
      on(IdentityEvents.tokenRevoked, (e) => typeof e.tokenId === 'string' && this.cache.revokeToken(e.tokenId)),
      on(IdentityEvents.userDisabled, (e) => typeof e.userId === 'string' && this.cache.revokeUser(e.userId)),
      // A changed profile or role (roles are read when a credential resolves): the next request resolves the principal afresh.
      on(IdentityEvents.userChanged, (e) => typeof e.userId === 'string' && this.cache.revokeUser(e.userId)),
    ];
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions = [];
  }

  /**
   * The cached principal, or identity's answer (then cached). Identity being down or slow stays
   * a 503 / 504; any refusal becomes the same 401.
   */
  async resolve(key: string, subject: string, request: object, tags: (principal: Principal) => CacheTags): Promise<Principal> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const asking = this.ask(key, subject, request, tags).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, asking);
    return asking;
  }

  private async ask(key: string, subject: string, request: object, tags: (principal: Principal) => CacheTags): Promise<Principal> {
    const startedAt = Date.now();
    let principal: Principal;
    try {
      principal = await this.rpc.request<Principal>(subject, request, { requestId: `auth-${randomUUID()}` });
    } catch (error) {
      if (error instanceof DomainError && (error.code === ErrorCode.ServiceUnavailable || error.code === ErrorCode.UpstreamTimeout)) throw error;
      throw DomainError.unauthenticated('Invalid or expired token');
    }
    this.cache.set(key, principal, tags(principal), startedAt);
    return principal;
  }
}
