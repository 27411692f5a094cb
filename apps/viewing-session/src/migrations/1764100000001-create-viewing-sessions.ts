import { sqlMigration } from '@quire/platform';

/**
 * Viewing sessions, their sources (one, or a comparison's original + revised) and each account's
 * Accusoft-Secret (hashed). The session id is the viewer's only credential: ≥ 128 random bits.
 */
export const CreateViewingSessions1764100000001 = sqlMigration('CreateViewingSessions1764100000001', {
  up: [
    `
      CREATE TABLE "viewing"."viewing_sessions" (
        "id" text PRIMARY KEY CHECK ("id" ~ '^[A-Za-z0-9_-]{22,64}$'),
        "account_id" text NOT NULL,
        "kind" text NOT NULL CHECK ("kind" IN ('single', 'comparison')),
        "source_type" text NOT NULL CHECK ("source_type" IN ('document', 'url', 'upload', 'viewingPackage', 'comparison')),
        "document_id" text,
        "watermarks" jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof("watermarks") = 'array'),
        "render" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        UNIQUE ("account_id", "id"),
        -- Caching and watermarks exclude each other (viewing spec): kept true in the database too.
        CHECK ("document_id" IS NULL OR jsonb_array_length("watermarks") = 0)
      )`,
    `CREATE INDEX "viewing_sessions_expiry_idx" ON "viewing"."viewing_sessions" ("expires_at")`,
    `
      CREATE TABLE "viewing"."viewing_session_sources" (
        "account_id" text NOT NULL,
        "session_id" text NOT NULL,
        "slot" text NOT NULL CHECK ("slot" IN ('single', 'original', 'revised')),
        "source_type" text NOT NULL CHECK ("source_type" IN ('document', 'url', 'upload', 'viewingPackage')),
        -- fileName, url, displayName or documentId, as the request named it.
        "reference" text,
        "object_key" text,
        "size_bytes" bigint CHECK ("size_bytes" >= 0),
        "sha256" text CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
        "content_type" text,
        "name" text,
        "rendition_id" text,
        -- The object is under this service's own prefix (upload, url): deleted with the session.
        "owned" boolean NOT NULL DEFAULT false,
        "received_at" timestamptz,
        PRIMARY KEY ("session_id", "slot"),
        FOREIGN KEY ("account_id", "session_id") REFERENCES "viewing"."viewing_sessions" ("account_id", "id") ON DELETE CASCADE,
        -- An upload slot waits for its bytes; every other source has them (or, from a viewing
        -- package, only its rendition) from the start.
        CHECK (("received_at" IS NULL) = ("object_key" IS NULL AND "rendition_id" IS NULL))
      )`,
    `
      CREATE TABLE "viewing"."viewing_secrets" (
        "account_id" text PRIMARY KEY,
        "secret_id" text NOT NULL UNIQUE CHECK ("secret_id" ~ '^[0-9a-f]{16}$'),
        "secret_hash" text NOT NULL,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`,
  ],
  down: [
    `DROP TABLE "viewing"."viewing_secrets"`,
    `DROP TABLE "viewing"."viewing_session_sources"`,
    `DROP TABLE "viewing"."viewing_sessions"`,
  ],
});
