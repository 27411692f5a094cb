import { sqlMigration } from '@quire/platform';

/**
 * Renditions (one per account + sha256 of the source bytes + render options), their pages (size
 * and the S3 key of every image variant made so far) and conversion jobs (one row per delivery
 * outcome, for diagnostics and the "converts nothing twice" guarantee).
 */
export const CreateRenditions1764100000101 = sqlMigration('CreateRenditions1764100000101', {
  up: [
    `
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
      )`,
    `CREATE INDEX "renditions_last_used_idx" ON "viewing"."renditions" ("last_used_at")`,
    `
      CREATE TABLE "viewing"."rendition_pages" (
        "rendition_id" uuid NOT NULL REFERENCES "viewing"."renditions" ("id") ON DELETE CASCADE,
        "account_id" uuid NOT NULL,
        "page" integer NOT NULL,
        "width" integer NOT NULL,
        "height" integer NOT NULL,
        "variants" jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY ("rendition_id", "page")
      )`,
    `
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
      )`,
    `CREATE INDEX "conversion_jobs_rendition_idx" ON "viewing"."conversion_jobs" ("rendition_id")`,
  ],
  down: [
    `DROP TABLE "viewing"."conversion_jobs"`,
    `DROP TABLE "viewing"."rendition_pages"`,
    `DROP TABLE "viewing"."renditions"`,
  ],
});
