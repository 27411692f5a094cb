import { sqlMigration } from '@quire/platform';

/** Sessions also end when their author loses access (identity's `user_disabled`). */
export const EndReasonAccessRevoked1763800000102 = sqlMigration('EndReasonAccessRevoked1763800000102', {
  up: [
    `ALTER TABLE "edit_session"."edit_sessions" DROP CONSTRAINT "edit_sessions_end_reason_chk"`,
    `ALTER TABLE "edit_session"."edit_sessions" ADD CONSTRAINT "edit_sessions_end_reason_chk" CHECK ("end_reason" IN ('ended', 'expired', 'access_revoked'))`,
  ],
  down: [
    `UPDATE "edit_session"."edit_sessions" SET "end_reason" = 'ended' WHERE "end_reason" = 'access_revoked'`,
    `ALTER TABLE "edit_session"."edit_sessions" DROP CONSTRAINT "edit_sessions_end_reason_chk"`,
    `ALTER TABLE "edit_session"."edit_sessions" ADD CONSTRAINT "edit_sessions_end_reason_chk" CHECK ("end_reason" IN ('ended', 'expired'))`,
  ],
});
