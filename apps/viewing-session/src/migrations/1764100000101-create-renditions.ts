import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Renditions (one per account + sha256 of the source bytes + render options), their pages (size
 * and the S3 key of every image variant made so far) and conversion jobs (one row per delivery
 * outcome, for diagnostics and the "converts nothing twice" guarantee).
 */
export class CreateRenditions1764100000101 implements MigrationInterface {
  readonly name = 'CreateRenditions1764100000101';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "viewing"."renditions" (
        "id" uuid PRIMARY KEY,
        "account_id" uuid NOT NULL,
        "sha256" char(64) NOT NULL,
        "options_hash" char(16) NOT NULL,
        "render_options" jsonb NOT NULL DEFAULT '{}',
        "format" text NOT NULL,
        "kind" text NOT NULL CHECK ("kind" IN ('office', 'pdf', 'image')),
        "source_key" text NOT NULL,
        "source_size" bigint NOT NULL,
        "pdf_key" text,
        "state" text NOT NULL CHECK ("state" IN ('queued', 'processing', 'ready', 'error')),
        "page_count" integer,
        "error" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("account_id", "sha256", "options_hash")
      )`);
    await queryRunner.query(`CREATE INDEX "renditions_last_used_idx" ON "viewing"."renditions" ("last_used_at")`);
    await queryRunner.query(`
      CREATE TABLE "viewing"."rendition_pages" (
        "rendition_id" uuid NOT NULL REFERENCES "viewing"."renditions" ("id") ON DELETE CASCADE,
        "account_id" uuid NOT NULL,
        "page" integer NOT NULL,
        "width" integer NOT NULL,
        "height" integer NOT NULL,
        "variants" jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY ("rendition_id", "page")
      )`);
    await queryRunner.query(`
      CREATE TABLE "viewing"."conversion_jobs" (
        "id" bigserial PRIMARY KEY,
        "rendition_id" uuid NOT NULL REFERENCES "viewing"."renditions" ("id") ON DELETE CASCADE,
        "account_id" uuid NOT NULL,
        "size_class" text NOT NULL,
        "delivery" integer NOT NULL,
        "outcome" text NOT NULL,
        "duration_ms" integer NOT NULL,
        "error" text,
        "finished_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "conversion_jobs_rendition_idx" ON "viewing"."conversion_jobs" ("rendition_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "viewing"."conversion_jobs"`);
    await queryRunner.query(`DROP TABLE "viewing"."rendition_pages"`);
    await queryRunner.query(`DROP TABLE "viewing"."renditions"`);
  }
}
