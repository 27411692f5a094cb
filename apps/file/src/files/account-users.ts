import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { KnownUsersReply, Principal, Subjects } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { RpcClient } from '@quire/platform';

/** Identity answers from one index read: a slow answer means identity is in trouble (503 / 504). */
export const IDENTITY_TIMEOUT_MS = 3000;

/** The users of an account, as far as files link to them (shares, `user` targets). */
export abstract class AccountUsers {
  /** Of `userIds`, those that are not users of the principal's account. */
  abstract unknownOf(principal: Principal, userIds: string[]): Promise<string[]>;

  /** Throws the 400 naming `field` when any id is not a user of the account (another account's users included). */
  async requireKnown(principal: Principal, userIds: string[], field: string): Promise<void> {
    if (!userIds.length) return;
    const unknown = await this.unknownOf(principal, userIds);
    if (unknown.length) {
      throw DomainError.validation(`No such user in this account: ${unknown.join(', ')}`, { fields: { [field]: unknown.map((id) => `unknown user ${id}`) } });
    }
  }
}

/**
 * Asks identity over NATS (no read model: a new user can be linked at once, and identity is
 * already on every authenticated request's path).
 */
@Injectable()
export class IdentityAccountUsers extends AccountUsers {
  constructor(private readonly rpc: RpcClient) {
    super();
  }

  async unknownOf(principal: Principal, userIds: string[]): Promise<string[]> {
    const { known } = await this.rpc.request<KnownUsersReply>(Subjects.Identity.knownUsers, { userIds }, {
      requestId: randomUUID(),
      principal,
      timeoutMs: IDENTITY_TIMEOUT_MS,
    });
    const found = new Set(known);
    return userIds.filter((id) => !found.has(id));
  }
}
