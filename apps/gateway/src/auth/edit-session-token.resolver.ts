import { Injectable } from '@nestjs/common';
import { QuireJwt, verifyEditSessionToken } from '@quire/auth';
import { Principal } from '@quire/contracts';

/**
 * The Word agent's edit-session token. Its principal carries one scope,
 * `edit_session:<session id>:<token id>`; the edit-session service checks on every use that the
 * session is active and still holds that token id (ended sessions and takeovers kill the token).
 */
@Injectable()
export class EditSessionTokenResolver {
  constructor(private readonly jwt: QuireJwt) {}

  async resolve(token: string): Promise<Principal> {
    return verifyEditSessionToken(this.jwt, token).principal;
  }
}
