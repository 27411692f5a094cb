import { sqlMigration } from '@quire/platform';

/**
 * Sessions become leases: `expires_at` is the lease the agent renews (keepalive, uploads);
 * `max_expires_at` is the longest the session (and its token) may live. Existing sessions keep
 * their expiry as both.
 */
export const SessionLease1763800000103 = sqlMigration('SessionLease1763800000103', {
  up: [
    `ALTER TABLE "edit_session"."edit_sessions" ADD COLUMN "max_expires_at" timestamptz`,
    `UPDATE "edit_session"."edit_sessions" SET "max_expires_at" = "expires_at"`,
    `ALTER TABLE "edit_session"."edit_sessions" ALTER COLUMN "max_expires_at" SET NOT NULL`,
    `ALTER TABLE "edit_session"."edit_sessions" ADD CONSTRAINT "edit_sessions_lease_chk" CHECK ("expires_at" <= "max_expires_at")`,
  ],
  down: [
    `ALTER TABLE "edit_session"."edit_sessions" DROP CONSTRAINT "edit_sessions_lease_chk"`,
    `ALTER TABLE "edit_session"."edit_sessions" DROP COLUMN "max_expires_at"`,
  ],
});
