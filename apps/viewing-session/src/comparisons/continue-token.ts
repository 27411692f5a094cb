import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * `continueToken` of revisionData: the next revision's sequence number, bound to the session and
 * signed with the comparison's own random key (kept in its row, so every replica checks it and no
 * deployment secret is needed). Opaque to clients; an edited or foreign token fails `read`.
 */
const VERSION = 1;
const MAC_BYTES = 16;

export function newTokenKey(): string {
  return randomBytes(32).toString('hex');
}

function mac(keyHex: string, sessionId: string, body: Buffer): Buffer {
  return createHmac('sha256', Buffer.from(keyHex, 'hex')).update(sessionId).update(body).digest().subarray(0, MAC_BYTES);
}

export function writeContinueToken(keyHex: string, sessionId: string, nextSeq: number): string {
  const body = Buffer.alloc(5);
  body.writeUInt8(VERSION, 0);
  body.writeUInt32BE(nextSeq, 1);
  return Buffer.concat([body, mac(keyHex, sessionId, body)]).toString('base64url');
}

/** The sequence number a token names, or undefined when it was not made by `write` for this session. */
export function readContinueToken(keyHex: string, sessionId: string, token: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  // Only the canonical spelling: trailing characters that decode to nothing are an edit too.
  if (bytes.toString('base64url') !== token) return undefined;
  if (bytes.length !== 5 + MAC_BYTES || bytes.readUInt8(0) !== VERSION) return undefined;
  const body = bytes.subarray(0, 5);
  if (!timingSafeEqual(bytes.subarray(5), mac(keyHex, sessionId, body))) return undefined;
  return body.readUInt32BE(1);
}
