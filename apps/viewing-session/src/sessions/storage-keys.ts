import { randomUUID } from 'node:crypto';
import type { SourceFileSlot } from '@quire/contracts';

/** Everything this service writes lives under its own prefix. */
export const VIEWING_PREFIX = 'viewing-session/';

/** Where a session's own copies of a slot's source (upload, url) go. */
export function sessionSourcePrefix(sessionId: string, slot: SourceFileSlot): string {
  return `${VIEWING_PREFIX}sessions/${sessionId}/${slot}/`;
}

/** A new key per upload attempt: two racing uploads to one slot never write the same object. */
export function newSessionSourceKey(sessionId: string, slot: SourceFileSlot): string {
  return `${sessionSourcePrefix(sessionId, slot)}${randomUUID()}`;
}

/** A stamped page image: the clean image's etag and the watermarks' hash name it. */
export function watermarkedKey(accountId: string, digest: string, extension: string): string {
  return `${VIEWING_PREFIX}watermarked/${accountId}/${digest}.${extension}`;
}
