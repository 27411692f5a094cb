import { EntityManager } from 'typeorm';
import { modifiedRows } from '@quire/platform';

/**
 * Renews a session's lease to `now + leaseSeconds`, never past its `max_expires_at` and never
 * shorter than it is; answers the new end. The caller holds the row's lock and has checked the token.
 */
export async function renewLease(manager: EntityManager, sessionId: string, leaseSeconds: number): Promise<Date> {
  const [updated] = await modifiedRows<{ expires_at: Date }>(
    manager,
    `UPDATE "edit_session"."edit_sessions"
        SET "expires_at" = GREATEST("expires_at", LEAST(now() + make_interval(secs => $2), "max_expires_at"))
      WHERE "id" = $1 RETURNING "expires_at"`,
    [sessionId, leaseSeconds],
  );
  return new Date(updated!.expires_at);
}
