import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { FolderRow } from '../shared/docrepo.entities';

export interface Folder {
  id: string;
  name: string;
  parentId: string | null;
  createdAt: Date;
}

const COLUMNS = `id, name, parent_id AS "parentId", created_at AS "createdAt"`;

/** A folder tree per project; name uniqueness and same-project parents are the database's (ADR 010). */
@Injectable()
export class FoldersRepository extends AccountScopedRepository<FolderRow> {
  constructor(db: TransactionHost) {
    super(db as Db, FolderRow);
  }

  async list(scope: AccountScope, projectId: string, page: { limit: number; offset: number }): Promise<{ items: Folder[]; total: number }> {
    const [count] = await this.sql<{ n: string }>(scope, `SELECT count(*) AS n FROM "docrepo"."folders" WHERE account_id = $1 AND project_id = $2`, [projectId]);
    const items = await this.sql<Folder>(
      scope,
      `SELECT ${COLUMNS} FROM "docrepo"."folders" WHERE account_id = $1 AND project_id = $2 ORDER BY created_at, id LIMIT $3 OFFSET $4`,
      [projectId, page.limit, page.offset],
    );
    return { items, total: Number(count!.n) };
  }

  async find(scope: AccountScope, projectId: string, id: string): Promise<Folder | undefined> {
    const [row] = await this.sql<Folder>(scope, `SELECT ${COLUMNS} FROM "docrepo"."folders" WHERE account_id = $1 AND project_id = $2 AND id = $3`, [projectId, id]);
    return row;
  }

  /** By name anywhere in the tree: a top-level folder first, then the oldest. */
  async findByName(scope: AccountScope, projectId: string, name: string): Promise<Folder | undefined> {
    const [row] = await this.sql<Folder>(
      scope,
      `SELECT ${COLUMNS} FROM "docrepo"."folders" WHERE account_id = $1 AND project_id = $2 AND name = $3
        ORDER BY (parent_id IS NULL) DESC, created_at, id LIMIT 1`,
      [projectId, name],
    );
    return row;
  }

  async create(scope: AccountScope, projectId: string, name: string, parentId: string | null): Promise<Folder> {
    const [row] = await this.sql<Folder>(
      scope,
      `INSERT INTO "docrepo"."folders" (id, account_id, project_id, parent_id, name)
       SELECT $2, p.account_id, p.id, $4, $5 FROM "docrepo"."projects" p WHERE p.account_id = $1 AND p.id = $3
       RETURNING ${COLUMNS}`,
      [randomUUID(), projectId, parentId, name],
    );
    return row!;
  }

  async delete(scope: AccountScope, projectId: string, id: string): Promise<boolean> {
    const rows = await this.modify(scope, `DELETE FROM "docrepo"."folders" WHERE account_id = $1 AND project_id = $2 AND id = $3 RETURNING id`, [projectId, id]);
    return rows.length > 0;
  }
}
