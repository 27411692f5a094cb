import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ServiceSchemas } from '@quire/contracts';
import { createMediumDatabase } from '@quire/testing';
import { migrations } from '../src/migrations';

/**
 * The docrepo schema's own guarantees: the service relies on these constraints (not on checks in
 * code) for folder names, version numbers, cross-account links and duplicate uploads.
 */
describe('docrepo schema (medium)', () => {
  const options = { schema: ServiceSchemas['document-repository'], entities: [], migrations };
  let database: Awaited<ReturnType<typeof createMediumDatabase>>;
  let db: Client;
  const A = randomUUID();
  const B = randomUUID();
  const user = randomUUID();
  const sha = (c: string) => c.repeat(64);

  beforeAll(async () => {
    database = await createMediumDatabase(options);
    db = new Client({ connectionString: database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  const one = async <T = Record<string, string>>(sql: string, params: unknown[]): Promise<T> => (await db.query(sql, params)).rows[0] as T;
  const project = async (account: string) =>
    (await one<{ id: string }>(`INSERT INTO docrepo.projects (account_id, name, created_by) VALUES ($1, 'P', $2) RETURNING id`, [account, user])).id;
  const folder = async (account: string, projectId: string, name: string, parentId: string | null = null) =>
    (await one<{ id: string }>(`INSERT INTO docrepo.folders (account_id, project_id, parent_id, name) VALUES ($1, $2, $3, $4) RETURNING id`, [account, projectId, parentId, name])).id;
  /** A document and its first version in one transaction (the current-version key is deferred). */
  const document = async (account: string, projectId: string, digest: string, dedup = false) => {
    await db.query('BEGIN');
    try {
      const doc = await one<{ id: string }>(
        `INSERT INTO docrepo.documents (account_id, project_id, name, content_type, current_sha256, dedup, created_by) VALUES ($1, $2, 'd.pdf', 'application/pdf', $3, $4, $5) RETURNING id`,
        [account, projectId, digest, dedup, user],
      );
      const version = await one<{ id: string }>(
        `INSERT INTO docrepo.document_versions (account_id, document_id, number, s3_key, size, sha256, content_type, uploaded_by) VALUES ($1, $2, 1, 'k', 3, $3, 'application/pdf', $4) RETURNING id`,
        [account, doc.id, digest, user],
      );
      await db.query(`UPDATE docrepo.documents SET current_version_id = $1 WHERE id = $2`, [version.id, doc.id]);
      await db.query('COMMIT');
      return doc.id;
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
  };

  it('keeps folder names unique per parent, top level included (NULL parent)', async () => {
    const p = await project(A);
    const top = await folder(A, p, 'Reports');
    await expect(folder(A, p, 'Reports')).rejects.toMatchObject({ code: '23505' });
    await folder(A, p, 'Reports', top);
    await expect(folder(A, p, 'Reports', top)).rejects.toMatchObject({ code: '23505' });
    // The same name in another project is fine.
    await folder(A, await project(A), 'Reports');
  });

  it('refuses deleting a folder that still has a child or a document', async () => {
    const p = await project(A);
    const parent = await folder(A, p, 'Parent');
    await folder(A, p, 'Child', parent);
    await expect(db.query(`DELETE FROM docrepo.folders WHERE id = $1`, [parent])).rejects.toMatchObject({ code: '23503' });
  });

  it('refuses links across accounts and across projects', async () => {
    const pa = await project(A);
    const pb = await project(B);
    const fa = await folder(A, pa, 'F');
    // A folder of account B under A's folder, and a folder of project pb under pa's folder.
    await expect(folder(B, pa, 'X')).rejects.toMatchObject({ code: '23503' });
    await expect(folder(B, pb, 'X', fa)).rejects.toMatchObject({ code: '23503' });
    const docB = await document(B, pb, sha('b'));
    await expect(
      db.query(`INSERT INTO docrepo.document_versions (account_id, document_id, number, s3_key, size, sha256, content_type, uploaded_by) VALUES ($1, $2, 2, 'k', 1, $3, 'x', $4)`, [A, docB, sha('c'), user]),
    ).rejects.toMatchObject({ code: '23503' });
  });

  it('numbers versions uniquely per document and requires the current version to be its own', async () => {
    const p = await project(A);
    const doc = await document(A, p, sha('d'));
    await expect(
      db.query(`INSERT INTO docrepo.document_versions (account_id, document_id, number, s3_key, size, sha256, content_type, uploaded_by) VALUES ($1, $2, 1, 'k', 1, $3, 'x', $4)`, [A, doc, sha('e'), user]),
    ).rejects.toMatchObject({ code: '23505' });
    const other = await document(A, p, sha('f'));
    const { id: foreignVersion } = await one<{ id: string }>(`SELECT id FROM docrepo.document_versions WHERE document_id = $1`, [other]);
    await expect(db.query(`UPDATE docrepo.documents SET current_version_id = $1 WHERE id = $2`, [foreignVersion, doc])).rejects.toMatchObject({ code: '23503' });
  });

  it('allows one deduplicated document per project and content, and any number without the flag', async () => {
    const p = await project(A);
    await document(A, p, sha('1'), true);
    await expect(document(A, p, sha('1'), true)).rejects.toMatchObject({ code: '23505', constraint: 'documents_dedup_uq' });
    await document(A, p, sha('1'));
    await document(A, p, sha('1'));
    await document(A, await project(A), sha('1'), true);
  });

  it('checks field values against a field of the same project', async () => {
    const p = await project(A);
    const other = await project(A);
    const doc = await document(A, p, sha('2'));
    await expect(
      db.query(`INSERT INTO docrepo.field_definitions (account_id, project_id, name, type) VALUES ($1, $2, 'Kind', 'select')`, [A, p]),
    ).rejects.toMatchObject({ code: '23514' });
    const { id: field } = await one<{ id: string }>(`INSERT INTO docrepo.field_definitions (account_id, project_id, name, type) VALUES ($1, $2, 'Pages', 'number') RETURNING id`, [A, other]);
    await expect(
      db.query(`INSERT INTO docrepo.field_values (account_id, project_id, document_id, field_id, value) VALUES ($1, $2, $3, $4, '3')`, [A, p, doc, field]),
    ).rejects.toMatchObject({ code: '23503' });
  });
});
