import type { SourceFileSlot } from '@quire/contracts';

/** Everything this service writes lives under its own prefix. */
export const VIEWING_PREFIX = 'viewing-session/';

/** A session's own copy of a source (upload, url): one key per slot, so a sweeper needs no listing. */
export function sessionSourceKey(sessionId: string, slot: SourceFileSlot): string {
  return `${VIEWING_PREFIX}sessions/${sessionId}/${slot}`;
}

export function sessionSourceKeys(sessionId: string): string[] {
  return (['single', 'original', 'revised'] as const).map((slot) => sessionSourceKey(sessionId, slot));
}

/** A stamped page image: the clean image's etag and the watermarks' hash name it. */
export function watermarkedKey(accountId: string, digest: string, extension: string): string {
  return `${VIEWING_PREFIX}watermarked/${accountId}/${digest}.${extension}`;
}
