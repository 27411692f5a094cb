import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { TemplateRow } from '../shared/docrepo.entities';

export interface TemplateFolder {
  name: string;
  children?: TemplateFolder[];
}
export interface TemplateField {
  name: string;
  type: string;
  required?: boolean;
  allowedValues?: string[];
}
export interface TemplateMembers {
  users?: Array<{ email: string; role: string }>;
  teams?: Array<{ teamId: string; role: string }>;
}
export interface Template {
  id: string;
  name: string;
  folders: TemplateFolder[];
  fields: TemplateField[];
  members: TemplateMembers;
  createdAt: Date;
}

const COLUMNS = `id, name, folders, fields, members, created_at AS "createdAt"`;

/** Project templates: a folder tree, field definitions and default members, copied into new projects. */
@Injectable()
export class TemplatesRepository extends AccountScopedRepository<TemplateRow> {
  constructor(db: TransactionHost) {
    super(db as Db, TemplateRow);
  }

  list(scope: AccountScope): Promise<Template[]> {
    return this.sql(scope, `SELECT ${COLUMNS} FROM "docrepo"."templates" WHERE account_id = $1 ORDER BY name, id`);
  }

  async find(scope: AccountScope, id: string): Promise<Template | undefined> {
    const [row] = await this.sql<Template>(scope, `SELECT ${COLUMNS} FROM "docrepo"."templates" WHERE account_id = $1 AND id = $2`, [id]);
    return row;
  }

  async create(scope: AccountScope, template: Omit<Template, 'id' | 'createdAt'>): Promise<Template> {
    const [row] = await this.sql<Template>(
      scope,
      `INSERT INTO "docrepo"."templates" (id, account_id, name, folders, fields, members)
       SELECT $2, a.account_id, $3, $4, $5, $6 FROM (SELECT $1::uuid AS account_id) a WHERE a.account_id = $1
       RETURNING ${COLUMNS}`,
      [randomUUID(), template.name, JSON.stringify(template.folders), JSON.stringify(template.fields), JSON.stringify(template.members)],
    );
    return row!;
  }
}
