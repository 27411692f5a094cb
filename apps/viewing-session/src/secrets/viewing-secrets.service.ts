import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { hashSecret, isAdmin, newSecret, safeEqual } from '@quire/auth';
import { Principal, ViewingEvents, ViewingSecretCreated, ViewingSecretStatus } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { EventPublisher, TransactionHost } from '@quire/platform';
import { ViewingSecret } from './viewing-secret.entity';
import { ViewingSecretsRepository } from './viewing-secrets.repository';

/** `vs_<secretId>_<secret>`: the id finds the row, the whole value's hash must match. */
const SECRET_SHAPE = /^vs_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

/** The role every principal of an Accusoft-Secret carries (it is not a user). */
export const VIEWING_SERVER_ROLE = 'viewing-server';

/**
 * Each account's `Accusoft-Secret` (PrizmDoc's server-to-server header): an admin creates and
 * rotates it (the old one stops working at once: the gateways drop it on the revocation event);
 * only its hash is stored. The gateway resolves a presented secret to a principal of its account.
 */
@Injectable()
export class ViewingSecretsService {
  constructor(
    private readonly secrets: ViewingSecretsRepository,
    private readonly db: TransactionHost,
    private readonly events: EventPublisher,
  ) {}

  async rotate(principal: Principal): Promise<ViewingSecretCreated> {
    this.requireAdmin(principal);
    const secretId = randomBytes(8).toString('hex');
    const secret = `vs_${secretId}_${newSecret(32)}`;
    const createdAt = new Date();
    const row = Object.assign(new ViewingSecret(), { accountId: principal.accountId, secretId, secretHash: hashSecret(secret), createdBy: principal.userId, createdAt });
    const previous = await this.db.withTransaction(() => this.secrets.replace(principal, row));
    if (previous) this.events.publish(ViewingEvents.secretRevoked, { secretId: previous });
    return { secret, secretId, createdAt: createdAt.toISOString() };
  }

  async revoke(principal: Principal): Promise<Record<string, never>> {
    this.requireAdmin(principal);
    const previous = await this.secrets.remove(principal);
    if (!previous) throw DomainError.notFound('Viewing secret');
    this.events.publish(ViewingEvents.secretRevoked, { secretId: previous });
    return {};
  }

  async status(principal: Principal): Promise<ViewingSecretStatus> {
    this.requireAdmin(principal);
    const row = await this.secrets.find(principal);
    return { secretId: row?.secretId ?? null, createdAt: row?.createdAt.toISOString() ?? null };
  }

  /** A presented secret → the principal of its account; anything else → FORBIDDEN (InvalidSecret). */
  async resolve(secret: string): Promise<Principal> {
    const invalid = DomainError.forbidden('Invalid Accusoft-Secret', { errorCode: 'InvalidSecret' });
    const secretId = SECRET_SHAPE.exec(secret)?.[1];
    if (!secretId) throw invalid;
    const row = await this.secrets.findById(secretId);
    if (!row || !safeEqual(row.secretHash, hashSecret(secret))) throw invalid;
    return { userId: `viewing-secret:${row.secretId}`, accountId: row.accountId, roles: [VIEWING_SERVER_ROLE], scopes: [`viewing_secret:${row.secretId}`] };
  }

  private requireAdmin(principal: Principal): void {
    if (!isAdmin(principal)) throw DomainError.forbidden('Only account admins manage the Accusoft-Secret', { errorCode: 'Forbidden' });
  }
}
