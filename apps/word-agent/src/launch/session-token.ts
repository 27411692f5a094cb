import { normalizeServerUrl } from '../config/agent-config';

/** The edit-session token's claims the agent reads (it cannot verify them: the server does). */
export interface SessionTokenClaims {
  typ?: string;
  session_id?: string;
  lab_report_id?: string;
  iss?: string;
  /** Expiry, seconds since the epoch. */
  exp?: number;
}

export class SessionTokenError extends Error {}

/** Reads the claims WITHOUT verifying the signature: only to know the expiry and issuer. */
export function readTokenClaims(token: string): SessionTokenClaims {
  const payload = token.split('.')[1];
  try {
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as unknown;
    if (claims && typeof claims === 'object') return claims as SessionTokenClaims;
  } catch {
    // below
  }
  throw new SessionTokenError('The session token in the link cannot be read');
}

/** The issuer as a server address, when the server put its URL there (e.g. `https://quire.example.com`). */
export function serverUrlFromIssuer(iss: string | undefined): string | undefined {
  if (!iss || !/^https?:\/\//i.test(iss)) return undefined;
  try {
    return normalizeServerUrl('iss', iss);
  } catch {
    return undefined;
  }
}

/**
 * Where to upload: the configured server, else the token's issuer if it is a URL. Never the
 * presigned download URL's host: that is the object store, not the API.
 */
export function resolveServerUrl(configured: string | undefined, claims: SessionTokenClaims): string {
  const url = configured ?? serverUrlFromIssuer(claims.iss);
  if (url) return url;
  throw new SessionTokenError(
    `No Quire server address: the token's issuer ("${claims.iss ?? ''}") is not a URL. ` +
      'Set QUIRE_SERVER_URL, pass --server <url>, or run `quire-word-agent register --server <url>` once.',
  );
}
