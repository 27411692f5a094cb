import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions become leases: `expires_at` is the lease the agent renews (keepalive, uploads);
 * `max_expires_at` is the longest the session (and its token) may live. Existing sessions keep
 * their expiry as both.
 */
export class SessionLease1763800000103 implements MigrationInterface {
  name = 'SessionLease1763800000103';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "edit_session"."edit_sessions" ADD COLUMN "max_expires_at" timestamptz`);
    await queryRunner.query(`UPDATE "edit_session"."edit_sessions" SET "max_expires_at" = "expires_at"`);
    await queryRunner.query(`ALTER TABLE "edit_session"."edit_sessions" ALTER COLUMN "max_expires_at" SET NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "edit_session"."edit_sessions" ADD CONSTRAINT "edit_sessions_lease_chk" CHECK ("expires_at" <= "max_expires_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "edit_session"."edit_sessions" DROP CONSTRAINT "edit_sessions_lease_chk"`);
    await queryRunner.query(`ALTER TABLE "edit_session"."edit_sessions" DROP COLUMN "max_expires_at"`);
  }
}
