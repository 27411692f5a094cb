import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { modifiedRows } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';

/** A session's lease and lifetime as the settings give them. */
@Injectable()
export class SessionLeases {
  constructor(private readonly env: EditSessionEnv) {}

  /** A fresh lease and lifetime, for a start or a takeover. */
  fresh(now = Date.now()): { expiresAt: Date; maxExpiresAt: Date } {
    const maxExpiresAt = new Date(now + this.env.EDIT_SESSION_TTL_SECONDS * 1000);
    const lease = new Date(now + this.env.EDIT_SESSION_LEASE_SECONDS * 1000);
    return { expiresAt: lease < maxExpiresAt ? lease : maxExpiresAt, maxExpiresAt };
  }

  get renewalSeconds(): number {
    return this.env.EDIT_SESSION_LEASE_SECONDS;
  }
}

/**
 * `SessionsRepository.renewLease` for a caller still in a DataSource transaction of its own (the
 * version upload path, until it moves to the repository).
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
