import { createSecretKey } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';

export const JWT_ALGORITHM = 'HS256' as const;
export const JWT_ISSUER = 'quire';
export const JWT_AUDIENCE = 'quire';

/** The claims of a Quire login token. */
export interface LoginClaims {
  sub: string;
  acc: string;
  roles: string[];
  scopes: string[];
  /** Login session id: the identity service can revoke it. */
  sid: string;
  /** Profile claims (optional): account code, login name, email, display name. */
  acode?: string;
  login?: string;
  email?: string;
  name?: string;
}

export interface JwtSettings {
  secret: string;
  issuer?: string;
  audience?: string;
  /** How many verified tokens to remember (0: none). Default 5,000. */
  verifiedCacheSize?: number;
}

/** A verified token is re-checked at least this often, even when it lives longer. */
const VERIFIED_TTL_MS = 60_000;

/**
 * Tokens this process has verified, by their exact text, until their `exp` (at most a minute).
 * The same string always verifies the same way until it expires, so a hit skips the JSON parse
 * and HMAC of a verify (6 % of the gateway's CPU on an authenticated read, ADR 008). Revocation
 * is not decided here: the login session and the edit session are still checked by their owners.
 * Bounded: the oldest entry goes first.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { claims: object; until: number }>();

  constructor(private readonly max: number) {}

  get(token: string, now: number): object | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until > now) return entry.claims;
    this.entries.delete(token);
    return undefined;
  }

  set(token: string, claims: { exp: number }, now: number): void {
    if (this.max <= 0) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { claims: Object.freeze(claims), until: Math.min(claims.exp * 1000, now + VERIFIED_TTL_MS) });
  }
}

/** Issues and verifies Quire JWTs with a pinned algorithm, issuer and audience. */
export class QuireJwt {
  private readonly jwt: JwtService;
  private readonly issuer: string;
  private readonly audience: string;
  private readonly verified: VerifiedTokens;

  constructor(settings: JwtSettings) {
    // A KeyObject made once: given a string, jsonwebtoken first tries (and fails) to parse it as a
    // public key on every verify, which cost a third of the gateway's CPU under load.
    const key = createSecretKey(Buffer.from(settings.secret, 'utf8'));
    this.jwt = new JwtService({ secretOrKeyProvider: () => key });
    this.issuer = settings.issuer ?? JWT_ISSUER;
    this.audience = settings.audience ?? JWT_AUDIENCE;
    this.verified = new VerifiedTokens(settings.verifiedCacheSize ?? 5_000);
  }

  sign(claims: object, expiresInSeconds: number): string {
    return this.jwt.sign(claims, {
      algorithm: JWT_ALGORITHM,
      issuer: this.issuer,
      audience: this.audience,
      expiresIn: expiresInSeconds,
    });
  }

  /** The token's claims; any invalid, expired or foreign token is UNAUTHENTICATED. */
  verify<T extends object>(token: string): Readonly<T & { exp: number; iat: number }> {
    const now = Date.now();
    const known = this.verified.get(token, now);
    if (known) return known as T & { exp: number; iat: number };
    let claims: T & { exp: number; iat: number };
    try {
      claims = this.jwt.verify(token, { algorithms: [JWT_ALGORITHM], issuer: this.issuer, audience: this.audience });
    } catch {
      throw DomainError.unauthenticated('Invalid or expired token');
    }
    // Every Quire token has an expiry: one without (even correctly signed) would never die.
    if (typeof claims.exp !== 'number') throw DomainError.unauthenticated('Invalid or expired token');
    this.verified.set(token, claims, now);
    return claims;
  }

  signLogin(principal: Principal, sessionId: string, expiresInSeconds: number): string {
    const claims: LoginClaims = {
      sub: principal.userId,
      acc: principal.accountId,
      roles: principal.roles,
      scopes: principal.scopes,
      sid: sessionId,
      acode: principal.accountCode,
      login: principal.loginName,
      email: principal.email,
      name: principal.displayName,
    };
    return this.sign(claims, expiresInSeconds);
  }

  verifyLogin(token: string): { principal: Principal; sessionId: string } {
    const claims = this.verify<Partial<LoginClaims>>(token);
    if (typeof claims.sub !== 'string' || typeof claims.acc !== 'string' || typeof claims.sid !== 'string') {
      throw DomainError.unauthenticated('Invalid or expired token');
    }
    return {
      sessionId: claims.sid,
      principal: {
        userId: claims.sub,
        accountId: claims.acc,
        roles: Array.isArray(claims.roles) ? claims.roles.filter((r) => typeof r === 'string') : [],
        scopes: Array.isArray(claims.scopes) ? claims.scopes.filter((s) => typeof s === 'string') : [],
        ...(typeof claims.acode === 'string' ? { accountCode: claims.acode } : {}),
        ...(typeof claims.login === 'string' ? { loginName: claims.login } : {}),
        ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
        ...(typeof claims.name === 'string' ? { displayName: claims.name } : {}),
      },
    };
  }
}
