import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { QuireJwt } from './jwt';

/** `typ` claim that tells an edit-session token from a login token. */
export const EDIT_SESSION_TOKEN_TYPE = 'edit-session';

/**
 * Claims of the token an edit session hands to the Word agent (word-edit spec: `user_id`,
 * `lab_report_id`, `session_id`, `exp`), plus the account and a token id the session row keeps,
 * so that a takeover or an ended session makes the token useless at once.
 */
export interface EditSessionClaims {
  typ: typeof EDIT_SESSION_TOKEN_TYPE;
  user_id: string;
  lab_report_id: string;
  session_id: string;
  acc: string;
  jti: string;
}

/** Scope carried by a principal that came from an edit-session token. */
export function editSessionScope(sessionId: string, tokenId: string): string {
  return `edit_session:${sessionId}:${tokenId}`;
}

export function signEditSessionToken(jwt: QuireJwt, claims: Omit<EditSessionClaims, 'typ'>, expiresInSeconds: number): string {
  return jwt.sign({ ...claims, typ: EDIT_SESSION_TOKEN_TYPE }, expiresInSeconds);
}

/** Verifies signature, algorithm, issuer, audience and expiry, then the claim shapes. */
export function verifyEditSessionToken(jwt: QuireJwt, token: string): { claims: EditSessionClaims; principal: Principal } {
  const claims = jwt.verify<Partial<EditSessionClaims>>(token);
  const strings = [claims.user_id, claims.lab_report_id, claims.session_id, claims.acc, claims.jti];
  if (claims.typ !== EDIT_SESSION_TOKEN_TYPE || strings.some((value) => typeof value !== 'string' || !value)) {
    throw DomainError.unauthenticated('Invalid or expired token');
  }
  const valid = claims as EditSessionClaims;
  return {
    claims: valid,
    principal: {
      userId: valid.user_id,
      accountId: valid.acc,
      roles: [],
      scopes: [editSessionScope(valid.session_id, valid.jti)],
    },
  };
}

/** The session id and token id an edit-session principal carries, or undefined for any other principal. */
export function editSessionOf(principal: Principal): { sessionId: string; tokenId: string } | undefined {
  for (const scope of principal.scopes) {
    const match = /^edit_session:([^:]+):([^:]+)$/.exec(scope);
    if (match) return { sessionId: match[1]!, tokenId: match[2]! };
  }
  return undefined;
}
