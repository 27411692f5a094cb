import { Injectable } from '@nestjs/common';
import { QuireJwt } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { GatewayEnv } from '../gateway.env';
import { Credential } from './credentials';

/**
 * Turns a credential into a principal. Login JWTs are verified here (signature, algorithm, issuer,
 * audience, expiry). Opaque API tokens are the identity service's to resolve; until it answers for
 * them they are refused.
 */
@Injectable()
export class PrincipalResolver {
  private readonly jwt: QuireJwt;

  constructor(env: GatewayEnv) {
    this.jwt = new QuireJwt({ secret: env.JWT_SECRET });
  }

  async resolve(credential: Credential): Promise<Principal> {
    if (credential.kind === 'jwt') return this.jwt.verifyLogin(credential.token).principal;
    throw DomainError.unauthenticated('Invalid or expired token');
  }
}
