import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sessions also end when their author loses access (identity's `user_disabled`). */
export class EndReasonAccessRevoked1763800000102 implements MigrationInterface {
  name = 'EndReasonAccessRevoked1763800000102';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "edit_session"."edit_sessions" DROP CONSTRAINT "edit_sessions_end_reason_chk"`);
    await queryRunner.query(
      `ALTER TABLE "edit_session"."edit_sessions" ADD CONSTRAINT "edit_sessions_end_reason_chk" CHECK ("end_reason" IN ('ended', 'expired', 'access_revoked'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "edit_session"."edit_sessions" SET "end_reason" = 'ended' WHERE "end_reason" = 'access_revoked'`);
    await queryRunner.query(`ALTER TABLE "edit_session"."edit_sessions" DROP CONSTRAINT "edit_sessions_end_reason_chk"`);
    await queryRunner.query(
      `ALTER TABLE "edit_session"."edit_sessions" ADD CONSTRAINT "edit_sessions_end_reason_chk" CHECK ("end_reason" IN ('ended', 'expired'))`,
    );
  }
}
