import { sqlMigration } from '@quire/platform';

const provisionAccount = (roles: string) => `
  CREATE OR REPLACE FUNCTION "identity"."provision_account"(p_code text, p_name text) RETURNS uuid
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
    INSERT INTO "identity"."roles" ("account_id", "name", "description") VALUES ${roles};
    RETURN v_id;
  END $$`;

const ADMIN_AND_USER = `
      (v_id, 'admin', 'Manages the users, teams and API tokens of the account'),
      (v_id, 'user', 'Works with the account''s documents')`;
// SQL-quoted (the apostrophe doubled).
const REPORT_EDITOR_DESCRIPTION = "May take over another user''s Word edit session";

/**
 * Takeover checks the role `report_editor` (word-edit), which no account had, so nobody could be
 * given it (ADR 018): every account gets it, existing ones now and new ones from provision_account.
 * Down keeps the rows (users may hold the role) and restores the old function.
 */
export const AddReportEditorRole1764700000000 = sqlMigration('AddReportEditorRole1764700000000', {
  up: [
    `INSERT INTO "identity"."roles" ("account_id", "name", "description")
       SELECT a."id", 'report_editor', '${REPORT_EDITOR_DESCRIPTION}' FROM "identity"."accounts" a
       ON CONFLICT ("account_id", "name") DO NOTHING`,
    provisionAccount(`${ADMIN_AND_USER},
      (v_id, 'report_editor', '${REPORT_EDITOR_DESCRIPTION}')`),
  ],
  down: [provisionAccount(ADMIN_AND_USER)],
});
