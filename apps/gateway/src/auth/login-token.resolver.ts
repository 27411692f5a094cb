import { Injectable } from '@nestjs/common';
import { QuireJwt } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { GatewayEnv } from '../gateway.env';

/**
 * Login tokens (`POST /rest/ng/sessions`): signature, algorithm, issuer, audience and expiry are
 * checked here. TODO(identity): ask identity whether the login session is still live (cached,
 * cleared by the revocation event) and take the principal from its answer.
 */
@Injectable()
export class LoginTokenResolver {
  private readonly jwt: QuireJwt;

  constructor(env: GatewayEnv) {
    this.jwt = new QuireJwt({ secret: env.JWT_SECRET });
  }

  async resolve(token: string): Promise<Principal> {
    return this.jwt.verifyLogin(token).principal;
  }
}
