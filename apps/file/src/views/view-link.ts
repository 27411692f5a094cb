import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed view links: `auth_code` = hex HMAC-SHA256 over the file id, the issue time (epoch
 * seconds) and, for a link bound to one size, that size. A link without a size also opens every
 * preset variant (the presets are few and bounded).
 */
export class ViewLinkSigner {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
  ) {}

  sign(fileId: string, time: number, size?: string): string {
    const message = size === undefined ? `${fileId}\n${time}` : `${fileId}\n${time}\n${size}`;
    return createHmac('sha256', this.secret).update(message).digest('hex');
  }

  /** `auth_code=...&time=...` for a link issued now. */
  query(fileId: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
    return `auth_code=${this.sign(fileId, nowSeconds)}&time=${nowSeconds}`;
  }

  /**
   * Whether a link is genuine and unexpired. Compared in constant time; a time from the future
   * (beyond a minute of clock skew) is refused too, so nobody can stretch a link's life.
   */
  verify(fileId: string, authCode: string, time: string, size: string | undefined, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
    if (!/^\d{1,12}$/.test(time) || !/^[0-9a-f]{64}$/.test(authCode)) return false;
    const issued = Number(time);
    if (issued > nowSeconds + 60 || nowSeconds - issued > this.ttlSeconds) return false;
    const given = Buffer.from(authCode, 'hex');
    const candidates = size === undefined ? [this.sign(fileId, issued)] : [this.sign(fileId, issued, size), this.sign(fileId, issued)];
    let ok = false;
    // Both candidates are always compared, so timing does not tell which form matched.
    for (const candidate of candidates) ok = timingSafeEqual(Buffer.from(candidate, 'hex'), given) || ok;
    return ok;
  }
}
