import { Principal } from '@quire/contracts';

/** What a cached principal can be revoked by. */
export interface CacheTags {
  userId: string;
  sessionId?: string;
  tokenId?: string;
}

interface Entry {
  principal: Principal;
  tags: CacheTags;
  expiresAt: number;
}

/**
 * Principals identity resolved, for a short time (the TTL, or until the credential expires if that
 * is sooner), bounded in size (oldest out first). Revocation
 * events drop entries at once; a resolution that started before a revocation is not cached, so a
 * reply racing the event cannot bring a revoked credential back.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();
  /** `s:<session>` / `t:<token>` / `u:<user>` → when it was revoked; kept one TTL. */
  private readonly revoked = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): Principal | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.principal;
  }

  /** Caches unless one of the tags was revoked since `resolutionStartedAt`. */
  set(key: string, principal: Principal, tags: CacheTags, resolutionStartedAt: number): void {
    if (this.ttlMs <= 0) return;
    for (const mark of marks(tags)) {
      const at = this.revoked.get(mark);
      if (at !== undefined && at >= resolutionStartedAt) return;
    }
    this.entries.delete(key);
    // Never past the credential's own expiry (an API token's expiresAt): at most the TTL.
    const expiresAt = Math.min(this.now() + this.ttlMs, principal.credentialExpiresAtMs ?? Infinity);
    if (expiresAt <= this.now()) return;
    this.entries.set(key, { principal, tags, expiresAt });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  revokeSession(sessionId: string): void {
    this.revoke(`s:${sessionId}`, (tags) => tags.sessionId === sessionId);
  }

  revokeToken(tokenId: string): void {
    this.revoke(`t:${tokenId}`, (tags) => tags.tokenId === tokenId);
  }

  revokeUser(userId: string): void {
    this.revoke(`u:${userId}`, (tags) => tags.userId === userId);
  }

  get size(): number {
    return this.entries.size;
  }

  private revoke(mark: string, matches: (tags: CacheTags) => boolean): void {
    const now = this.now();
    this.revoked.set(mark, now);
    for (const [key, entry] of this.entries) if (matches(entry.tags)) this.entries.delete(key);
    for (const [name, at] of this.revoked) {
      if (at + this.ttlMs < now) this.revoked.delete(name);
      else break; // insertion order: the rest are newer
    }
    while (this.revoked.size > this.maxEntries) this.revoked.delete(this.revoked.keys().next().value as string);
  }
}

function marks(tags: CacheTags): string[] {
  return [`u:${tags.userId}`, ...(tags.sessionId ? [`s:${tags.sessionId}`] : []), ...(tags.tokenId ? [`t:${tags.tokenId}`] : [])];
}
