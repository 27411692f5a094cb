import { sqlMigration } from '@quire/platform';

/**
 * Accounts and everything in them. Every row carries account_id; rows that point at each other
 * do so with (account_id, id) foreign keys, so the database itself refuses a cross-account link.
 * Login names and emails are unique per account, case-insensitively.
 */
export const CreateIdentityTables1763900000000 = sqlMigration('CreateIdentityTables1763900000000', {
  up: [
    `
      CREATE TABLE "identity"."accounts" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "code" text NOT NULL UNIQUE CHECK ("code" ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
        "name" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`,
    `
      CREATE TABLE "identity"."auth_domains" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL REFERENCES "identity"."accounts" ON DELETE CASCADE,
        "name" text NOT NULL,
        "type" text NOT NULL DEFAULT 'local',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("account_id", "name"),
        UNIQUE ("account_id", "id")
      )`,
    `
      CREATE TABLE "identity"."institutes" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL REFERENCES "identity"."accounts" ON DELETE CASCADE,
        "name" text NOT NULL,
        UNIQUE ("account_id", "name"),
        UNIQUE ("account_id", "id")
      )`,
    `
      CREATE TABLE "identity"."departments" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "institute_id" uuid NOT NULL,
        "name" text NOT NULL,
        UNIQUE ("institute_id", "name"),
        FOREIGN KEY ("account_id", "institute_id") REFERENCES "identity"."institutes" ("account_id", "id") ON DELETE CASCADE
      )`,
    `
      CREATE TABLE "identity"."users" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL REFERENCES "identity"."accounts" ON DELETE CASCADE,
        "domain_id" uuid NOT NULL,
        "login_name" text NOT NULL,
        "email" text NOT NULL,
        "first_name" text NOT NULL,
        "last_name" text NOT NULL,
        "status" text NOT NULL CHECK ("status" IN ('pending', 'active', 'locked', 'disabled')),
        "password_hash" text,
        "institute_id" uuid,
        "department_name" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("account_id", "id"),
        FOREIGN KEY ("account_id", "domain_id") REFERENCES "identity"."auth_domains" ("account_id", "id"),
        FOREIGN KEY ("account_id", "institute_id") REFERENCES "identity"."institutes" ("account_id", "id")
      )`,
    `CREATE UNIQUE INDEX "users_account_login_name_uq" ON "identity"."users" ("account_id", lower("login_name"))`,
    `CREATE UNIQUE INDEX "users_account_email_uq" ON "identity"."users" ("account_id", lower("email"))`,
    `CREATE INDEX "users_account_created_idx" ON "identity"."users" ("account_id", "created_at", "id")`,
    `
      CREATE TABLE "identity"."login_sessions" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "revoked_at" timestamptz,
        FOREIGN KEY ("account_id", "user_id") REFERENCES "identity"."users" ("account_id", "id") ON DELETE CASCADE
      )`,
    `CREATE INDEX "login_sessions_live_idx" ON "identity"."login_sessions" ("user_id") WHERE "revoked_at" IS NULL`,
    // Failed logins per user AND client address: a lock that someone else triggers from their
    // address does not lock the user out from theirs.
    `
      CREATE TABLE "identity"."login_failures" (
        "account_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "address" text NOT NULL,
        "failed_count" integer NOT NULL,
        "first_failed_at" timestamptz NOT NULL,
        "locked_until" timestamptz,
        PRIMARY KEY ("user_id", "address"),
        FOREIGN KEY ("account_id", "user_id") REFERENCES "identity"."users" ("account_id", "id") ON DELETE CASCADE
      )`,
    `
      CREATE TABLE "identity"."api_tokens" (
        "id" uuid PRIMARY KEY,
        "account_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "name" text NOT NULL,
        "token_hash" text NOT NULL,
        "rate_limit_per_minute" integer CHECK ("rate_limit_per_minute" > 0),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz,
        "expires_at" timestamptz,
        "revoked_at" timestamptz,
        FOREIGN KEY ("account_id", "user_id") REFERENCES "identity"."users" ("account_id", "id") ON DELETE CASCADE
      )`,
    `CREATE INDEX "api_tokens_account_user_idx" ON "identity"."api_tokens" ("account_id", "user_id") WHERE "revoked_at" IS NULL`,
    `
      CREATE TABLE "identity"."password_reset_tokens" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "token_hash" text NOT NULL UNIQUE,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "used_at" timestamptz,
        FOREIGN KEY ("account_id", "user_id") REFERENCES "identity"."users" ("account_id", "id") ON DELETE CASCADE
      )`,
    `
      CREATE TABLE "identity"."roles" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL REFERENCES "identity"."accounts" ON DELETE CASCADE,
        "name" text NOT NULL,
        "description" text NOT NULL DEFAULT '',
        UNIQUE ("account_id", "name"),
        UNIQUE ("account_id", "id")
      )`,
    `
      CREATE TABLE "identity"."user_roles" (
        "account_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "role_id" uuid NOT NULL,
        PRIMARY KEY ("user_id", "role_id"),
        FOREIGN KEY ("account_id", "user_id") REFERENCES "identity"."users" ("account_id", "id") ON DELETE CASCADE,
        FOREIGN KEY ("account_id", "role_id") REFERENCES "identity"."roles" ("account_id", "id") ON DELETE CASCADE
      )`,
    `
      CREATE TABLE "identity"."teams" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "account_id" uuid NOT NULL REFERENCES "identity"."accounts" ON DELETE CASCADE,
        "name" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("account_id", "name"),
        UNIQUE ("account_id", "id")
      )`,
    `
      CREATE TABLE "identity"."team_members" (
        "account_id" uuid NOT NULL,
        "team_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "added_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("team_id", "user_id"),
        FOREIGN KEY ("account_id", "team_id") REFERENCES "identity"."teams" ("account_id", "id") ON DELETE CASCADE,
        FOREIGN KEY ("account_id", "user_id") REFERENCES "identity"."users" ("account_id", "id") ON DELETE CASCADE
      )`,
    `
      CREATE TABLE "identity"."settings" (
        "account_id" uuid NOT NULL REFERENCES "identity"."accounts" ON DELETE CASCADE,
        "key" text NOT NULL,
        "value" jsonb NOT NULL,
        PRIMARY KEY ("account_id", "key")
      )`,
    // One place that says what a new account starts with: the bootstrap and the test helper both
    // call it. Concurrent calls for one code create it once (ON CONFLICT waits for the winner).
    `
      CREATE FUNCTION "identity"."provision_account"(p_code text, p_name text) RETURNS uuid
      LANGUAGE plpgsql AS $$
      DECLARE v_id uuid;
      BEGIN
        INSERT INTO "identity"."accounts" ("code", "name") VALUES (p_code, p_name)
          ON CONFLICT ("code") DO NOTHING RETURNING "id" INTO v_id;
        IF v_id IS NULL THEN
          SELECT "id" INTO v_id FROM "identity"."accounts" WHERE "code" = p_code;
          RETURN v_id;
        END IF;
        INSERT INTO "identity"."auth_domains" ("account_id", "name", "type") VALUES (v_id, 'openspecimen', 'local');
        INSERT INTO "identity"."roles" ("account_id", "name", "description") VALUES
          (v_id, 'admin', 'Manages the users, teams and API tokens of the account'),
          (v_id, 'user', 'Works with the account''s documents');
        RETURN v_id;
      END $$`,
  ],
  down: [
    `DROP FUNCTION "identity"."provision_account"(text, text)`,
    ...[
      'settings', 'team_members', 'teams', 'user_roles', 'roles', 'password_reset_tokens', 'api_tokens',
      'login_failures', 'login_sessions', 'users', 'departments', 'institutes', 'auth_domains', 'accounts',
    ].map((table) => `DROP TABLE "identity"."${table}"`),
  ],
});
