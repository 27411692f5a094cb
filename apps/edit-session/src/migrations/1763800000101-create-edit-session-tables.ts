import { sqlMigration } from '@quire/platform';

/**
 * Lab reports, their templates, edit sessions and report versions. One active session per report
 * is a partial unique index: two concurrent starts cannot both win, whatever the code does.
 */
export const CreateEditSessionTables1763800000101 = sqlMigration('CreateEditSessionTables1763800000101', {
  up: [
    `
      CREATE TABLE "edit_session"."lab_reports" (
        "id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        "account_id" text NOT NULL,
        "title" text NOT NULL,
        "created_by" text NOT NULL,
        "event_sequence" bigint NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`,
    `CREATE INDEX "lab_reports_account_idx" ON "edit_session"."lab_reports" ("account_id", "id")`,
    `
      CREATE TABLE "edit_session"."report_templates" (
        "id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        "account_id" text NOT NULL,
        "name" text NOT NULL,
        "docx_key" text NOT NULL UNIQUE,
        "docx_size" bigint NOT NULL,
        "docx_sha256" char(64) NOT NULL,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`,
    `CREATE INDEX "report_templates_account_idx" ON "edit_session"."report_templates" ("account_id", "id")`,
    `
      CREATE TABLE "edit_session"."edit_sessions" (
        "id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        "account_id" text NOT NULL,
        "lab_report_id" bigint NOT NULL REFERENCES "edit_session"."lab_reports" ("id") ON DELETE CASCADE,
        "template_id" bigint REFERENCES "edit_session"."report_templates" ("id") ON DELETE SET NULL,
        "author_user_id" text NOT NULL,
        "author_name" text NOT NULL,
        "is_active" boolean NOT NULL DEFAULT true,
        "token_id" uuid NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "ended_at" timestamptz,
        "end_reason" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "edit_sessions_end_reason_chk" CHECK ("end_reason" IN ('ended', 'expired')),
        CONSTRAINT "edit_sessions_ended_chk" CHECK ("is_active" = ("ended_at" IS NULL))
      )`,
    `CREATE UNIQUE INDEX "edit_sessions_one_active_per_report" ON "edit_session"."edit_sessions" ("lab_report_id") WHERE "is_active"`,
    `CREATE INDEX "edit_sessions_active_expiry_idx" ON "edit_session"."edit_sessions" ("expires_at") WHERE "is_active"`,
    `
      CREATE TABLE "edit_session"."report_versions" (
        "id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        "account_id" text NOT NULL,
        "lab_report_id" bigint NOT NULL REFERENCES "edit_session"."lab_reports" ("id") ON DELETE CASCADE,
        "edit_session_id" bigint NOT NULL REFERENCES "edit_session"."edit_sessions" ("id") ON DELETE CASCADE,
        "version_number" integer NOT NULL,
        "docx_key" text NOT NULL UNIQUE,
        "pdf_key" text NOT NULL UNIQUE,
        "docx_size" bigint NOT NULL,
        "pdf_size" bigint NOT NULL,
        "docx_sha256" char(64) NOT NULL,
        "pdf_sha256" char(64) NOT NULL,
        "uploaded_by" text NOT NULL,
        "uploaded_by_name" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "report_versions_number_uq" UNIQUE ("lab_report_id", "version_number")
      )`,
  ],
  down: [
    ...['report_versions', 'edit_sessions', 'report_templates', 'lab_reports'].map((table) => `DROP TABLE "edit_session"."${table}"`),
  ],
});
