import { sqlMigration } from '@quire/platform';

/** Files, their shares and the view log (ADR 006). */
export const CreateFiles1763900000600 = sqlMigration('CreateFiles1763900000600', {
  up: [
    `
      CREATE TABLE "file"."files" (
        "id" uuid PRIMARY KEY,
        "account_id" text NOT NULL,
        "account_code" text NOT NULL,
        "name" text NOT NULL,
        "ext" text NOT NULL,
        "size" bigint NOT NULL CHECK ("size" >= 0),
        "content_type" text NOT NULL,
        "sha256" char(64) NOT NULL,
        "category" text NOT NULL
          CHECK ("category" IN ('intake_attachment', 'user_consent', 'user_avatar', 'user_document')),
        "target_id" text NOT NULL,
        "target_type" text NOT NULL CHECK ("target_type" IN ('user', 'visit', 'intake')),
        "creator_id" text NOT NULL,
        "creator_username" text NOT NULL,
        "creator_email" text,
        "creator_full_name" text,
        "visible" boolean NOT NULL DEFAULT true,
        "is_deletable" boolean NOT NULL DEFAULT true,
        "storage_key" text NOT NULL UNIQUE,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "modified_at" timestamptz NOT NULL DEFAULT now()
      )`,
    // The list query: one account, one target, optionally one category, newest first.
    `
      CREATE INDEX "files_account_target_category_idx"
        ON "file"."files" ("account_id", "target_type", "target_id", "category", "created_at" DESC)`,
    `
      CREATE INDEX "files_account_creator_idx" ON "file"."files" ("account_id", "creator_id")`,
    // Variants are cached per account and content hash: is any live file still using this content?
    `CREATE INDEX "files_account_sha256_idx" ON "file"."files" ("account_id", "sha256")`,
    `
      CREATE TABLE "file"."file_shares" (
        "file_id" uuid NOT NULL REFERENCES "file"."files" ("id") ON DELETE CASCADE,
        "shared_with" text NOT NULL,
        "account_id" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("file_id", "shared_with")
      )`,
    `CREATE INDEX "file_shares_account_user_idx" ON "file"."file_shares" ("account_id", "shared_with")`,
    // One row per view-link hit: who saw what is an audit question, so it is kept in the database.
    `
      CREATE TABLE "file"."file_views" (
        "id" bigserial PRIMARY KEY,
        "file_id" uuid NOT NULL,
        "account_id" text NOT NULL,
        "variant" text,
        "viewed_at" timestamptz NOT NULL DEFAULT now()
      )`,
    `CREATE INDEX "file_views_account_file_idx" ON "file"."file_views" ("account_id", "file_id", "viewed_at")`,
  ],
  down: [
    `DROP TABLE "file"."file_views"`,
    `DROP TABLE "file"."file_shares"`,
    `DROP TABLE "file"."files"`,
  ],
});
