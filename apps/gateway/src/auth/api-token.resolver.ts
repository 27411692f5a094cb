import { Injectable } from '@nestjs/common';
import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';

/**
 * Opaque API tokens (documents `X-Api-Token`, file-upload `X-ApiToken`, rest-auth
 * `X-OS-API-TOKEN`). TODO(identity): resolve over NATS (hashed, constant-time), cached briefly.
 */
@Injectable()
export class ApiTokenResolver {
  async resolve(_token: string, _accountCode?: string): Promise<Principal> {
    throw DomainError.unauthenticated('Invalid or expired token');
  }
}
