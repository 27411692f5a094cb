import { randomUUID } from 'node:crypto';

/**
 * Uploads land under this prefix first ("claim check"): the owning service moves them into place
 * when it accepts the commit, and the staging sweeper deletes whatever is left behind.
 */
export const STAGING_PREFIX = 'staging/';

/** A fresh staging key: `staging/<uuid>`. */
export function newStagingKey(): string {
  return `${STAGING_PREFIX}${randomUUID()}`;
}

const STAGING_KEY = /^staging\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for keys `newStagingKey` makes; services check commit payloads with it before a move. */
export function isStagingKey(key: string): boolean {
  return STAGING_KEY.test(key);
}
