import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { FieldType } from '@quire/contracts';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { FieldDefinitionRow } from '../shared/docrepo.entities';

export interface FieldDefinition {
  id: string;
  name: string;
  type: FieldType;
  required: boolean;
  allowedValues: string[] | null;
}

const COLUMNS = `id, name, type, required, allowed_values AS "allowedValues"`;

/** Metadata field definitions per project and their values per document. */
@Injectable()
export class FieldsRepository extends AccountScopedRepository<FieldDefinitionRow> {
  constructor(db: TransactionHost) {
    super(db as Db, FieldDefinitionRow);
  }

  list(scope: AccountScope, projectId: string): Promise<FieldDefinition[]> {
    return this.sql(scope, `SELECT ${COLUMNS} FROM "docrepo"."field_definitions" WHERE account_id = $1 AND project_id = $2 ORDER BY created_at, id`, [projectId]);
  }

  async find(scope: AccountScope, projectId: string, id: string): Promise<FieldDefinition | undefined> {
    const [row] = await this.sql<FieldDefinition>(scope, `SELECT ${COLUMNS} FROM "docrepo"."field_definitions" WHERE account_id = $1 AND project_id = $2 AND id = $3`, [projectId, id]);
    return row;
  }

  async create(scope: AccountScope, projectId: string, field: Omit<FieldDefinition, 'id'>): Promise<FieldDefinition> {
    const [row] = await this.sql<FieldDefinition>(
      scope,
      `INSERT INTO "docrepo"."field_definitions" (id, account_id, project_id, name, type, required, allowed_values)
       SELECT $2, p.account_id, p.id, $4, $5, $6, $7 FROM "docrepo"."projects" p WHERE p.account_id = $1 AND p.id = $3
       RETURNING ${COLUMNS}`,
      [randomUUID(), projectId, field.name, field.type, field.required, field.allowedValues === null ? null : JSON.stringify(field.allowedValues)],
    );
    return row!;
  }

  async setValue(scope: AccountScope, projectId: string, documentId: string, fieldId: string, value: unknown): Promise<void> {
    if (value === null) {
      await this.sql(scope, `DELETE FROM "docrepo"."field_values" WHERE account_id = $1 AND project_id = $2 AND document_id = $3 AND field_id = $4`, [projectId, documentId, fieldId]);
      return;
    }
    await this.sql(
      scope,
      `INSERT INTO "docrepo"."field_values" (account_id, project_id, document_id, field_id, value)
       SELECT d.account_id, d.project_id, d.id, $4, $5 FROM "docrepo"."documents" d WHERE d.account_id = $1 AND d.project_id = $2 AND d.id = $3
       ON CONFLICT (document_id, field_id) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [projectId, documentId, fieldId, JSON.stringify(value)],
    );
  }

  /** Values of one document, by field id. */
  async valuesOf(scope: AccountScope, projectId: string, documentId: string): Promise<Record<string, unknown>> {
    const rows = await this.sql<{ fieldId: string; value: unknown }>(
      scope,
      `SELECT field_id AS "fieldId", value FROM "docrepo"."field_values" WHERE account_id = $1 AND project_id = $2 AND document_id = $3`,
      [projectId, documentId],
    );
    return Object.fromEntries(rows.map((row) => [row.fieldId, row.value]));
  }
}
