import { Injectable, Provider } from '@nestjs/common';
import { EDIT_SESSION_TOKEN_TYPE, QuireJwt } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { AccusoftSecretResolver } from './accusoft-secret.resolver';
import { ApiTokenResolver } from './api-token.resolver';
import { GatewayEnv } from '../gateway.env';
import { Credential } from './credentials';
import { EditSessionTokenResolver } from './edit-session-token.resolver';
import { LoginTokenResolver } from './login-token.resolver';

/**
 * Turns a credential into a principal: a login JWT, an edit-session JWT (the Word agent's) or an
 * opaque API token. Each kind has its own resolver; a JWT is verified first (QuireJwt remembers
 * it, so the resolver's own verify is a lookup) and its verified `typ` claim picks the resolver.
 */
@Injectable()
export class PrincipalResolver {
  constructor(
    private readonly logins: LoginTokenResolver,
    private readonly editSessions: EditSessionTokenResolver,
    private readonly apiTokens: ApiTokenResolver,
    private readonly jwt: QuireJwt,
    private readonly viewingSecrets: AccusoftSecretResolver,
  ) {}

  async resolve(credential: Credential): Promise<Principal> {
    if (credential.kind === 'viewing-secret') return this.viewingSecrets.resolve(credential.token);
    if (credential.kind === 'api-token') return this.apiTokens.resolve(credential.token, credential.accountCode);
    if (this.jwt.verify<{ typ?: unknown }>(credential.token).typ === EDIT_SESSION_TOKEN_TYPE) return this.editSessions.resolve(credential.token);
    return this.logins.resolve(credential.token);
  }
}

/** One verifier of Quire JWTs (login and edit-session tokens) for the process. */
const quireJwtProvider: Provider = { provide: QuireJwt, inject: [GatewayEnv], useFactory: (env: GatewayEnv) => new QuireJwt({ secret: env.JWT_SECRET }) };

export const principalResolvers: Provider[] = [PrincipalResolver, LoginTokenResolver, EditSessionTokenResolver, ApiTokenResolver, AccusoftSecretResolver, quireJwtProvider];
