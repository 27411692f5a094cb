/**
 * Who is calling, whatever credential they used. Every query is scoped by `accountId`.
 *
 * The optional profile fields are filled by the identity service when it resolves the credential,
 * so that services can record "who" (a creator, an author name) without a second round trip.
 */
export interface Principal {
  userId: string;
  accountId: string;
  roles: string[];
  scopes: string[];
  /** The account's public code (`X-AccountCode` of the file-upload family). */
  accountCode?: string;
  loginName?: string;
  email?: string;
  /** "First Last", for author / creator names on the wire. */
  displayName?: string;
  /** Requests per minute allowed to this caller's API token (set when the credential is one). */
  rateLimitPerMinute?: number;
  /**
   * When the credential itself stops working (epoch ms; an API token's `expiresAt`). Whoever
   * caches this principal must not keep it past that moment.
   */
  credentialExpiresAtMs?: number;
}
