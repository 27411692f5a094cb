import { sqlMigration } from '@quire/platform';

/**
 * Comparisons (ADR 020): one per comparison session, computed window by window by whichever
 * replica holds its lease; its revisions in document order. Both die with their session.
 */
export const CreateComparisons1764100000201 = sqlMigration('CreateComparisons1764100000201', {
  up: [
    `
      CREATE TABLE "viewing"."comparisons" (
        "session_id" text PRIMARY KEY,
        "account_id" text NOT NULL,
        "original_rendition_id" text NOT NULL,
        "revised_rendition_id" text NOT NULL,
        "state" text NOT NULL DEFAULT 'running' CHECK ("state" IN ('running', 'complete', 'error')),
        "original_page_count" integer CHECK ("original_page_count" >= 0),
        "revised_page_count" integer CHECK ("revised_page_count" >= 0),
        "next_original_page" integer NOT NULL DEFAULT 0 CHECK ("next_original_page" >= 0),
        "next_revised_page" integer NOT NULL DEFAULT 0 CHECK ("next_revised_page" >= 0),
        -- Words read but not final yet, and the last final word of each side (word-diff.ts).
        "carry" jsonb NOT NULL,
        "revision_count" integer NOT NULL DEFAULT 0 CHECK ("revision_count" >= 0),
        -- Signs this comparison's continueTokens (hex of 32 random bytes).
        "token_key" text NOT NULL CHECK ("token_key" ~ '^[0-9a-f]{64}$'),
        "error_code" text,
        "error_message" text,
        "lease_owner" text,
        "lease_until" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "completed_at" timestamptz,
        UNIQUE ("account_id", "session_id"),
        FOREIGN KEY ("account_id", "session_id") REFERENCES "viewing"."viewing_sessions" ("account_id", "id") ON DELETE CASCADE,
        CHECK (("state" = 'error') = ("error_code" IS NOT NULL)),
        CHECK (("state" = 'running') = ("completed_at" IS NULL))
      )`,
    `
      CREATE TABLE "viewing"."comparison_revisions" (
        "account_id" text NOT NULL,
        "session_id" text NOT NULL,
        "seq" integer NOT NULL CHECK ("seq" >= 0),
        "type" text NOT NULL CHECK ("type" IN ('insertion', 'deletion', 'replacement')),
        "original_text" text NOT NULL,
        "revised_text" text NOT NULL,
        "original" jsonb,
        "revised" jsonb,
        PRIMARY KEY ("session_id", "seq"),
        FOREIGN KEY ("account_id", "session_id") REFERENCES "viewing"."comparisons" ("account_id", "session_id") ON DELETE CASCADE,
        CHECK ("type" <> 'insertion' OR "revised" IS NOT NULL),
        CHECK ("type" <> 'deletion' OR "original" IS NOT NULL)
      )`,
  ],
  down: [`DROP TABLE "viewing"."comparison_revisions"`, `DROP TABLE "viewing"."comparisons"`],
});
