import { randomUUID } from 'node:crypto';
import { ServiceSchemas } from '@quire/contracts';
import { ServiceEnv } from '@quire/platform';
import { createMediumContext, MediumContext } from '@quire/testing';
import { migrations } from '../src/migrations';
import { Project } from '../src/projects/project.entities';
import { ViewingSourceRepository } from '../src/viewing/viewing-source.module';

describe('docrepo viewing source (medium)', () => {
  let context: MediumContext;
  const A = randomUUID();
  const user = randomUUID();
  const documentId = randomUUID();
  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: ServiceSchemas['document-repository'], entities: [Project], migrations },
      env: new ServiceEnv(),
      providers: [ViewingSourceRepository],
    });
    const q = (sql: string, params: unknown[]) => context.dataSource.query(sql, params);
    const [{ id: projectId }] = await q(`INSERT INTO docrepo.projects (account_id, name, created_by) VALUES ($1, 'P', $2) RETURNING id`, [A, user]);
    const [v1, v2] = [randomUUID(), randomUUID()];
    await context.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO docrepo.documents (id, account_id, project_id, name, content_type, current_version_id, current_sha256, created_by) VALUES ($1, $2, $3, 'plan.pdf', 'application/pdf', $4, $5, $6)`,
        [documentId, A, projectId, v2, 'b'.repeat(64), user],
      );
      for (const [id, n, sha] of [[v1, 1, 'a'], [v2, 2, 'b']] as const) {
        await m.query(
          `INSERT INTO docrepo.document_versions (id, account_id, document_id, number, s3_key, size, sha256, content_type, uploaded_by) VALUES ($1, $2, $3, $4, $5, 10, $6, 'application/pdf', $7)`,
          [id, A, documentId, n, `document-repository/${documentId}/${n}`, sha.repeat(64), user],
        );
      }
    });
  });
  afterAll(() => context?.close());

  it('answers the current or a numbered version of a document of the account, else nothing', async () => {
    const sources = context.get(ViewingSourceRepository);
    expect(await sources.find({ accountId: A }, documentId)).toEqual({ objectKey: `document-repository/${documentId}/2`, sizeBytes: 10, sha256: 'b'.repeat(64), contentType: 'application/pdf', name: 'plan.pdf' });
    expect(await sources.find({ accountId: A }, documentId, 1)).toMatchObject({ objectKey: `document-repository/${documentId}/1` });
    expect(await sources.find({ accountId: A }, documentId, 3)).toBeUndefined();
    expect(await sources.find({ accountId: randomUUID() }, documentId)).toBeUndefined();
    expect(await sources.find({ accountId: 'not-a-uuid' }, documentId)).toBeUndefined();
    expect(await sources.find({ accountId: A }, 'nope')).toBeUndefined();
  });
});
