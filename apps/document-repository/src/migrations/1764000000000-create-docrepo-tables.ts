import { sqlMigration } from '@quire/platform';

/**
 * Projects, their members, folders, templates, documents with numbered versions, and custom
 * fields. Every row carries account_id; rows that point at each other do so with (account_id, id)
 * foreign keys (as identity does), so the database itself refuses a cross-account link. Users and
 * teams live in identity: their ids are stored without a foreign key (another schema, another
 * service).
 */
export const CreateDocrepoTables1764000000000 = sqlMigration('CreateDocrepoTables1764000000000', {
  up: [
    `
      CREATE TABLE "docrepo"."projects" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "name" text NOT NULL CHECK (length("name") BETWEEN 1 AND 255),
        "template_id" uuid,
        "created_by" uuid NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("account_id", "id")
      )`,
    `CREATE INDEX "projects_account_created_idx" ON "docrepo"."projects" ("account_id", "created_at", "id")`,
    `
      CREATE TABLE "docrepo"."project_users" (
        "account_id" uuid NOT NULL,
        "project_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "email" text NOT NULL,
        "role" text NOT NULL CHECK ("role" IN ('read', 'write', 'admin')),
        "added_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("project_id", "user_id"),
        FOREIGN KEY ("account_id", "project_id") REFERENCES "docrepo"."projects" ("account_id", "id") ON DELETE CASCADE
      )`,
    `CREATE UNIQUE INDEX "project_users_email_uq" ON "docrepo"."project_users" ("project_id", lower("email"))`,
    `CREATE INDEX "project_users_user_idx" ON "docrepo"."project_users" ("account_id", "user_id")`,
    `
      CREATE TABLE "docrepo"."project_teams" (
        "account_id" uuid NOT NULL,
        "project_id" uuid NOT NULL,
        "team_id" uuid NOT NULL,
        "role" text NOT NULL CHECK ("role" IN ('read', 'write', 'admin')),
        "added_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("project_id", "team_id"),
        FOREIGN KEY ("account_id", "project_id") REFERENCES "docrepo"."projects" ("account_id", "id") ON DELETE CASCADE
      )`,
    `
      CREATE TABLE "docrepo"."folders" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "project_id" uuid NOT NULL,
        "parent_id" uuid,
        "name" text NOT NULL CHECK (length("name") BETWEEN 1 AND 255 AND position('/' in "name") = 0),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("account_id", "id"),
        UNIQUE ("account_id", "project_id", "id"),
        FOREIGN KEY ("account_id", "project_id") REFERENCES "docrepo"."projects" ("account_id", "id") ON DELETE CASCADE,
        -- A parent in the same project; NO ACTION: deleting a non-empty folder is refused (409).
        FOREIGN KEY ("account_id", "project_id", "parent_id") REFERENCES "docrepo"."folders" ("account_id", "project_id", "id") ON DELETE NO ACTION
      )`,
    // NULL parents never compare equal, so top-level names need their own partial index.
    `CREATE UNIQUE INDEX "folders_name_uq" ON "docrepo"."folders" ("project_id", "parent_id", "name") WHERE "parent_id" IS NOT NULL`,
    `CREATE UNIQUE INDEX "folders_top_name_uq" ON "docrepo"."folders" ("project_id", "name") WHERE "parent_id" IS NULL`,
    `
      CREATE TABLE "docrepo"."templates" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "name" text NOT NULL CHECK (length("name") BETWEEN 1 AND 255),
        -- [{name, children: [...]}]
        "folders" jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof("folders") = 'array'),
        -- [{name, type, required, allowedValues}]
        "fields" jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof("fields") = 'array'),
        -- {users: [{email, role}], teams: [{teamId, role}]}
        "members" jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof("members") = 'object'),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("account_id", "id"),
        UNIQUE ("account_id", "name")
      )`,
    `
      ALTER TABLE "docrepo"."projects" ADD FOREIGN KEY ("account_id", "template_id")
        REFERENCES "docrepo"."templates" ("account_id", "id") ON DELETE SET NULL ("template_id")`,
    `
      CREATE TABLE "docrepo"."documents" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "project_id" uuid NOT NULL,
        "folder_id" uuid,
        "name" text NOT NULL CHECK (length("name") BETWEEN 1 AND 255),
        "content_type" text NOT NULL,
        "current_version_id" uuid,
        "current_sha256" text NOT NULL CHECK ("current_sha256" ~ '^[0-9a-f]{64}$'),
        -- Uploaded with rejectDuplicate=true: such documents' current bytes are unique per project
        -- (documents_dedup_uq), which is what makes 20 concurrent uploads leave one.
        "dedup" boolean NOT NULL DEFAULT false,
        "created_by" uuid NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("account_id", "id"),
        UNIQUE ("account_id", "project_id", "id"),
        FOREIGN KEY ("account_id", "project_id") REFERENCES "docrepo"."projects" ("account_id", "id") ON DELETE CASCADE,
        FOREIGN KEY ("account_id", "project_id", "folder_id") REFERENCES "docrepo"."folders" ("account_id", "project_id", "id") ON DELETE NO ACTION
      )`,
    `CREATE INDEX "documents_project_created_idx" ON "docrepo"."documents" ("account_id", "project_id", "created_at", "id")`,
    `CREATE INDEX "documents_folder_idx" ON "docrepo"."documents" ("account_id", "project_id", "folder_id")`,
    `CREATE INDEX "documents_sha_idx" ON "docrepo"."documents" ("account_id", "project_id", "current_sha256")`,
    `CREATE UNIQUE INDEX "documents_dedup_uq" ON "docrepo"."documents" ("account_id", "project_id", "current_sha256") WHERE "dedup"`,
    `
      CREATE TABLE "docrepo"."document_versions" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "document_id" uuid NOT NULL,
        "number" integer NOT NULL CHECK ("number" > 0),
        "s3_key" text NOT NULL,
        "size" bigint NOT NULL CHECK ("size" >= 0),
        "sha256" text NOT NULL CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
        "content_type" text NOT NULL,
        "uploaded_by" uuid NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("account_id", "id"),
        UNIQUE ("account_id", "document_id", "id"),
        UNIQUE ("document_id", "number"),
        FOREIGN KEY ("account_id", "document_id") REFERENCES "docrepo"."documents" ("account_id", "id") ON DELETE CASCADE
      )`,
    // The current version is one of the document's own; deferred, since the document row and its
    // first version are written in one transaction.
    `
      ALTER TABLE "docrepo"."documents" ADD CONSTRAINT "documents_current_version_fk"
        FOREIGN KEY ("account_id", "id", "current_version_id") REFERENCES "docrepo"."document_versions" ("account_id", "document_id", "id")
        DEFERRABLE INITIALLY DEFERRED`,
    `
      CREATE TABLE "docrepo"."field_definitions" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "project_id" uuid NOT NULL,
        "name" text NOT NULL CHECK (length("name") BETWEEN 1 AND 255),
        "type" text NOT NULL CHECK ("type" IN ('string', 'number', 'date', 'boolean', 'select')),
        "required" boolean NOT NULL DEFAULT false,
        "allowed_values" jsonb CHECK ("allowed_values" IS NULL OR jsonb_typeof("allowed_values") = 'array'),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("account_id", "project_id", "id"),
        UNIQUE ("project_id", "name"),
        -- A select lists its values; other types have none.
        CHECK (("type" = 'select') = ("allowed_values" IS NOT NULL)),
        FOREIGN KEY ("account_id", "project_id") REFERENCES "docrepo"."projects" ("account_id", "id") ON DELETE CASCADE
      )`,
    `
      CREATE TABLE "docrepo"."field_values" (
        "account_id" uuid NOT NULL,
        "project_id" uuid NOT NULL,
        "document_id" uuid NOT NULL,
        "field_id" uuid NOT NULL,
        "value" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("document_id", "field_id"),
        -- Document and field of the same project and account.
        FOREIGN KEY ("account_id", "project_id", "document_id") REFERENCES "docrepo"."documents" ("account_id", "project_id", "id") ON DELETE CASCADE,
        FOREIGN KEY ("account_id", "project_id", "field_id") REFERENCES "docrepo"."field_definitions" ("account_id", "project_id", "id") ON DELETE CASCADE
      )`,
  ],
  down: [
    `ALTER TABLE "docrepo"."documents" DROP CONSTRAINT "documents_current_version_fk"`,
    ...['field_values', 'field_definitions', 'document_versions', 'documents', 'folders', 'project_teams', 'project_users', 'projects', 'templates'].map((table) => `DROP TABLE "docrepo"."${table}" CASCADE`),
  ],
});
