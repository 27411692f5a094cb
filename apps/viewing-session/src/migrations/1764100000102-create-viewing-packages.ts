import { MigrationInterface, QueryRunner } from 'typeorm';

/** Viewing packages: a rendition kept for an account's `documentId` until it expires. */
export class CreateViewingPackages1764100000102 implements MigrationInterface {
  readonly name = 'CreateViewingPackages1764100000102';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "viewing"."viewing_packages" (
        "process_id" uuid PRIMARY KEY,
        "account_id" uuid NOT NULL,
        "document_id" text NOT NULL,
        "rendition_id" uuid REFERENCES "viewing"."renditions" ("id") ON DELETE SET NULL,
        "source" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        UNIQUE ("account_id", "document_id")
      )`);
    await queryRunner.query(`CREATE INDEX "viewing_packages_expires_idx" ON "viewing"."viewing_packages" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "viewing"."viewing_packages"`);
  }
}
