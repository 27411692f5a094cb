import { randomUUID } from 'node:crypto';
import { hashSecret, newSecret } from './tokens';

/** Personal API tokens look like `qk_<token id>_<secret>`: looked up by id, compared by hash. */
export const API_TOKEN_PREFIX = 'qk_';
const API_TOKEN_SHAPE = /^qk_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$/;

export interface IssuedApiToken {
  id: string;
  /** Shown to the caller once; never stored. */
  token: string;
  /** sha256 of the whole token, what the database keeps. */
  hash: string;
}

export function issueApiToken(): IssuedApiToken {
  const id = randomUUID();
  const token = `${API_TOKEN_PREFIX}${id}_${newSecret()}`;
  return { id, token, hash: hashSecret(token) };
}

/** The token id of a well-formed API token, undefined otherwise. */
export function apiTokenId(token: string): string | undefined {
  return API_TOKEN_SHAPE.exec(token)?.[1];
}

/** Scope on a principal that came from an API token; the rate limiter counts per token. */
export function apiTokenScope(tokenId: string): string {
  return `api_token:${tokenId}`;
}

/** Scope on a principal that came from a login token: logout revokes this login session. */
export function loginSessionScope(sessionId: string): string {
  return `login_session:${sessionId}`;
}

export function scopeValue(scopes: string[], kind: 'api_token' | 'login_session'): string | undefined {
  const scope = scopes.find((s) => s.startsWith(`${kind}:`));
  return scope?.slice(kind.length + 1);
}
