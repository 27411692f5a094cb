import { createHash, randomUUID } from 'node:crypto';
import { Principal, ServiceSchemas } from '@quire/contracts';
import { ErrorCode } from '@quire/errors';
import { Db, EventPublisher, ObjectStorage, Outbox, StorageModule, TransactionHost, UploadReservations } from '@quire/platform';
import { createMediumContext, listKeys, MediumContext, testS3Client, testS3Endpoint } from '@quire/testing';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { DataSource } from 'typeorm';
import { DocumentRepositoryEnv } from '../src/document-repository.env';
import { documentRepositoryEntities, documentRepositoryProviders } from '../src/document-repository.module';
import { DocumentsService } from '../src/documents/documents.service';
import { FieldsService } from '../src/fields/fields.service';
import { FoldersService } from '../src/folders/folders.service';
import { migrations } from '../src/migrations';
import { IdentityDirectory } from '../src/projects/identity-directory';
import { ProjectsService } from '../src/projects/projects.service';
import { TeamDirectory } from '../src/projects/project-access';

/** Teams and users as identity would answer (identity is another process; its NATS contract is tested there). */
class FakeIdentity {
  async teamsOf(): Promise<string[]> {
    return [];
  }
  async teamMembers(): Promise<undefined> {
    return undefined;
  }
  readonly users = new Map<string, { id: string; email: string }>();
  async userByEmail(_principal: Principal, email: string) {
    return this.users.get(email.toLowerCase());
  }
}

describe('documents (medium: real Postgres and S3)', () => {
  let context: MediumContext;
  let env: DocumentRepositoryEnv;
  const identity = new FakeIdentity();
  const A = randomUUID();
  const B = randomUUID();
  const as = (accountId: string, roles = ['user']): Principal => ({ accountId, userId: randomUUID(), roles, scopes: [], email: `${randomUUID()}@x.test` });
  const owner = as(A);
  let storage: ObjectStorage;

  beforeAll(async () => {
    env = Object.assign(new DocumentRepositoryEnv(), {
      S3_ENDPOINT: testS3Endpoint(),
      S3_BUCKET: `quire-docrepo-${randomUUID().slice(0, 8)}`,
      S3_ACCESS_KEY_ID: 'test',
      S3_SECRET_ACCESS_KEY: 'test',
      DOCREPO_MAX_UPLOAD_BYTES: 1024 * 1024,
    });
    context = await createMediumContext({
      database: { schema: ServiceSchemas['document-repository'], entities: documentRepositoryEntities, migrations },
      env,
      imports: [StorageModule],
      providers: [
        ...documentRepositoryProviders.filter((p) => p !== IdentityDirectory && !(typeof p === 'object' && 'provide' in p && p.provide === TeamDirectory)),
        { provide: IdentityDirectory, useValue: identity },
        { provide: TeamDirectory, useValue: identity },
        UploadReservations,
        // Events are rows of the outbox table (what this test checks); publishing them is the outbox's own test.
        {
          provide: Outbox,
          inject: [DataSource, TransactionHost],
          useFactory: (dataSource: DataSource, db: Db) =>
            new Outbox(dataSource, { publish: () => undefined } as unknown as EventPublisher, { flush: async () => undefined } as never, 'docrepo', 60_000, db),
        },
      ],
    });
    storage = context.get(ObjectStorage);
  });
  afterAll(async () => {
    if (storage) for await (const object of storage.list('')) await storage.delete([object.key]);
    await context?.close();
  });

  const projects = () => context.get(ProjectsService);
  const documents = () => context.get(DocumentsService);
  const newProject = async (who = owner) => (await projects().create(who, { name: `P ${randomUUID().slice(0, 6)}` })).id;

  /** Reserves, then writes the bytes at the reserved key as the gateway's pipeline does (the size it measured). */
  async function written(who: Principal, projectId: string, bytes: Buffer, documentId?: string, fileName = 'a.pdf') {
    const reservation = await documents().reserve(who, { projectId, documentId });
    const [part] = reservation.parts;
    await storage.put(part!.key, bytes);
    const file = { field: 'file', key: part!.key, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), fileName, declaredContentType: 'application/pdf', detectedContentType: 'application/pdf' };
    return { reservationId: reservation.reservationId, files: [file] };
  }
  const upload = async (projectId: string, bytes: Buffer, extra: { rejectDuplicate?: boolean; folderId?: string; fields?: Record<string, unknown>; who?: Principal } = {}) =>
    documents().commitDocument(extra.who ?? owner, { projectId, ...(await written(extra.who ?? owner, projectId, bytes)), rejectDuplicate: extra.rejectDuplicate ?? false, folderId: extra.folderId, fields: extra.fields });
  const replace = async (projectId: string, documentId: string, bytes: Buffer) =>
    documents().commitVersion(owner, { projectId, documentId, ...(await written(owner, projectId, bytes, documentId)), rejectDuplicate: false });
  const events = async (documentId: string) =>
    (await context.dataSource.query(`SELECT subject FROM docrepo.outbox WHERE payload->>'documentId' = $1 ORDER BY id`, [documentId])).map((r: { subject: string }) => r.subject);

  it('uploads, replaces (numbered versions), lists, moves and deletes, with an event for each', async () => {
    const projectId = await newProject();
    const doc = await upload(projectId, Buffer.from('%PDF-1 one'));
    expect(doc).toMatchObject({ name: 'a.pdf', folderId: null, version: { number: 1, size: 10, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const replaced = await replace(projectId, doc.id, Buffer.from('%PDF-1 two'));
    expect(replaced.version.number).toBe(2);
    expect((await documents().versions(owner, projectId, doc.id)).map((v) => v.number)).toEqual([1, 2]);
    const folder = await context.get(FoldersService).create(owner, { projectId, name: 'the folder' });
    await documents().move(owner, { projectId, documentId: doc.id, folderId: folder.id });
    const inFolder = await documents().list(owner, { projectId, folderId: folder.id, page: 1, pageSize: 50 });
    expect(inFolder).toMatchObject({ total: 1, items: [{ id: doc.id, folderId: folder.id, version: { number: 2 } }] });
    const content = await documents().content(owner, { projectId, documentId: doc.id });
    expect((await storage.getBuffer(content.key))!.toString()).toBe('%PDF-1 two');
    await documents().delete(owner, projectId, doc.id);
    await expect(documents().get(owner, projectId, doc.id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(await listKeys(testS3Client(), env.S3_BUCKET, `docrepo/${A}/${projectId}/`)).toEqual([]);
    expect(await events(doc.id)).toEqual([
      'evt.document-repository.document_created',
      'evt.document-repository.version_added',
      'evt.document-repository.document_moved',
      'evt.document-repository.document_deleted',
    ]);
  });

  it('a commit retried with the same reservation answers the first answer, never a second document', async () => {
    const projectId = await newProject();
    const request = { projectId, ...(await written(owner, projectId, Buffer.from('%PDF-1 retry'))), rejectDuplicate: false };
    const first = await documents().commitDocument(owner, request);
    await expect(documents().commitDocument(owner, request)).resolves.toEqual(first);
    expect((await documents().list(owner, { projectId, page: 1, pageSize: 50 })).total).toBe(1);
  });

  it('20 concurrent uploads of the same bytes with rejectDuplicate leave one document; the rest 409 naming it', async () => {
    const projectId = await newProject();
    const bytes = Buffer.from(`%PDF-1 same ${randomUUID()}`);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => upload(projectId, bytes, { rejectDuplicate: true })));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    const winner = (ok[0] as PromiseFulfilledResult<{ id: string; name: string }>).value;
    for (const r of refused) expect(r.reason).toMatchObject({ code: ErrorCode.Conflict, details: { documentId: winner.id, name: winner.name } });
    // Only the winner's object is left (each loser deleted its copy).
    expect(await listKeys(testS3Client(), env.S3_BUCKET, `docrepo/${A}/${projectId}/`)).toHaveLength(1);
    // Without the flag, duplicates are allowed.
    await expect(upload(projectId, bytes)).resolves.toMatchObject({ version: { number: 1 } });
  });

  it('an unflagged upload racing flagged ones: a flagged upload never succeeds after other documents with these bytes exist', async () => {
    const projectId = await newProject();
    const bytes = Buffer.from(`%PDF-1 mixed ${randomUUID()}`);
    // The order in which uploads came back is their commit order (each answers after its commit, and
    // the advisory lock lets the next one in only then); created_at is each transaction's start.
    const settledOrder: string[] = [];
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        upload(projectId, bytes, { rejectDuplicate: i % 2 === 0 }).then((document: { id: string }) => {
          settledOrder.push(document.id);
          return document;
        }),
      ),
    );
    const rows: Array<{ id: string; dedup: boolean }> = await context.dataSource.query(`SELECT id, dedup FROM docrepo.documents WHERE project_id = $1`, [projectId]);
    // A flagged document exists only as the first one committed with these bytes.
    const flagged = rows.filter((r) => r.dedup);
    expect(flagged.length).toBeLessThanOrEqual(1);
    if (flagged.length) expect(settledOrder[0]).toBe(flagged[0]!.id);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(rows.length);
  });

  it('two concurrent deletes of the last two versions: one 409, one version left and current', async () => {
    const projectId = await newProject();
    const doc = await upload(projectId, Buffer.from('%PDF-1 v1'));
    const v2 = await replace(projectId, doc.id, Buffer.from('%PDF-1 v2'));
    const [first, second] = (await documents().versions(owner, projectId, doc.id)).map((v) => v.id);
    const results = await Promise.allSettled([
      documents().deleteVersion(owner, { projectId, documentId: doc.id, versionId: first! }),
      documents().deleteVersion(owner, { projectId, documentId: doc.id, versionId: second! }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(refused.reason).toMatchObject({ code: ErrorCode.Conflict, message: 'You cannot delete the only version of a document' });
    const left = await documents().versions(owner, projectId, doc.id);
    expect(left).toHaveLength(1);
    expect((await documents().get(owner, projectId, doc.id)).version.id).toBe(left[0]!.id);
    expect(v2.version.number).toBe(2);
    expect(await listKeys(testS3Client(), env.S3_BUCKET, `docrepo/${A}/${projectId}/${doc.id}/`)).toHaveLength(1);
  });

  it('filters by afterDate and pages with totals', async () => {
    const projectId = await newProject();
    for (let i = 0; i < 5; i++) await upload(projectId, Buffer.from(`%PDF-1 page ${i}`));
    const all = await documents().list(owner, { projectId, page: 1, pageSize: 2 });
    expect(all).toMatchObject({ total: 5, page: 1, pageSize: 2 });
    expect(all.items).toHaveLength(2);
    expect((await documents().list(owner, { projectId, page: 3, pageSize: 2 })).items).toHaveLength(1);
    expect((await documents().list(owner, { projectId, page: 4, pageSize: 2 })).items).toHaveLength(0);
    await context.dataSource.query(`UPDATE docrepo.documents SET updated_at = '2020-01-01T00:00:00Z' WHERE project_id = $1`, [projectId]);
    await context.dataSource.query(`UPDATE docrepo.documents SET updated_at = '2024-06-01T00:00:00Z' WHERE id = $1`, [all.items[0]!.id]);
    const after = await documents().list(owner, { projectId, afterDate: new Date('2023-01-01T00:00:00-0700'), page: 1, pageSize: 50 });
    expect(after.items.map((d) => d.id)).toEqual([all.items[0]!.id]);
  });

  it('lists a page in a fixed number of SQL statements, whatever the page size (no N+1)', async () => {
    const projectId = await newProject();
    for (let i = 0; i < 12; i++) await upload(projectId, Buffer.from(`%PDF-1 n1 ${i}`));
    const count = async (pageSize: number) => {
      const original = PostgresQueryRunner.prototype.query;
      let statements = 0;
      PostgresQueryRunner.prototype.query = function (this: PostgresQueryRunner, ...args: Parameters<typeof original>) {
        statements++;
        return original.apply(this, args);
      } as typeof original;
      try {
        await documents().list(owner, { projectId, page: 1, pageSize });
      } finally {
        PostgresQueryRunner.prototype.query = original;
      }
      return statements;
    };
    const small = await count(2);
    expect(await count(12)).toBe(small);
    // access (project + member role + team grants) + count + page
    expect(small).toBeLessThanOrEqual(5);
  });

  it('folders: 409 for a name twice under one parent and for deleting a non-empty folder; by name; 404 across projects', async () => {
    const projectId = await newProject();
    const folders = context.get(FoldersService);
    const top = await folders.create(owner, { projectId, name: 'Pleadings' });
    await expect(folders.create(owner, { projectId, name: 'Pleadings' })).rejects.toMatchObject({ code: ErrorCode.Conflict });
    const child = await folders.create(owner, { projectId, name: 'Pleadings', parentId: top.id });
    expect(child.parentId).toBe(top.id);
    await expect(folders.byName(owner, projectId, 'Pleadings')).resolves.toMatchObject({ id: top.id });
    await expect(folders.delete(owner, projectId, top.id)).rejects.toMatchObject({ code: ErrorCode.Conflict });
    const other = await newProject();
    await expect(folders.create(owner, { projectId: other, name: 'x', parentId: top.id })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(upload(other, Buffer.from('%PDF-1 f'), { folderId: top.id })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await folders.delete(owner, projectId, child.id);
    await folders.delete(owner, projectId, top.id);
  });

  it('fields: values are checked against their definitions; required fields at upload', async () => {
    const projectId = await newProject();
    const fields = context.get(FieldsService);
    const status = await fields.create(owner, { projectId, name: 'Status', type: 'select', allowedValues: ['draft', 'final'] });
    const pages = await fields.create(owner, { projectId, name: 'Pages', type: 'number' });
    await expect(fields.create(owner, { projectId, name: 'Bad', type: 'string', allowedValues: ['x'] })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    await expect(upload(projectId, Buffer.from('%PDF-1 fv'), { fields: { Status: 'nope' } })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    const doc = await upload(projectId, Buffer.from('%PDF-1 fv'), { fields: { Status: 'draft' } });
    expect((await documents().get(owner, projectId, doc.id)).fields).toEqual({ [status.id]: 'draft' });
    await expect(fields.putValue(owner, { projectId, documentId: doc.id, fieldId: pages.id, value: 'ten' })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    await expect(fields.putValue(owner, { projectId, documentId: doc.id, fieldId: pages.id, value: 10 })).resolves.toEqual({ [status.id]: 'draft', [pages.id]: 10 });
    await fields.create(owner, { projectId, name: 'Owner', type: 'string', required: true });
    await expect(upload(projectId, Buffer.from('%PDF-1 fr'))).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
  });

  it('roles and tenants: read cannot upload (403), another account sees 404, an upload too large leaves nothing', async () => {
    const projectId = await newProject();
    const reader = as(A);
    identity.users.set(reader.email!, { id: reader.userId, email: reader.email! });
    await projects().putUser(owner, { projectId, email: reader.email! });
    await expect(documents().list(reader, { projectId, page: 1, pageSize: 50 })).resolves.toMatchObject({ total: 0 });
    await expect(upload(projectId, Buffer.from('%PDF-1 r'), { who: reader })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    const doc = await upload(projectId, Buffer.from('%PDF-1 r'));
    await expect(documents().deleteVersion(reader, { projectId, documentId: doc.id, versionId: doc.version.id })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    const stranger = as(B, ['user', 'admin']);
    await expect(documents().get(stranger, projectId, doc.id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(projects().get(stranger, projectId)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    // A document id of another project of the same account is not found either.
    const other = await newProject();
    await expect(documents().get(owner, other, doc.id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    const before = await listKeys(testS3Client(), env.S3_BUCKET, `docrepo/${A}/${projectId}/`);
    await expect(upload(projectId, Buffer.alloc(2 * 1024 * 1024, 1))).rejects.toMatchObject({ code: ErrorCode.PayloadTooLarge });
    // A refused commit deletes what was written under its reservation.
    expect(await listKeys(testS3Client(), env.S3_BUCKET, `docrepo/${A}/${projectId}/`)).toEqual(before);
    expect((await documents().list(owner, { projectId, page: 1, pageSize: 50 })).total).toBe(1);
  });

  it('templates copy folders, fields and members into a new project', async () => {
    const admin = as(A, ['user', 'admin']);
    const member = as(A);
    identity.users.set(member.email!, { id: member.userId, email: member.email! });
    const template = await projects().createTemplate(admin, {
      name: `T ${randomUUID().slice(0, 6)}`,
      folders: [{ name: 'Evidence', children: [{ name: 'Photos' }] }],
      fields: [{ name: 'Status', type: 'select', allowedValues: ['a', 'b'] }],
      members: { users: [{ email: member.email!, role: 'write' }] },
    });
    await expect(projects().createTemplate(owner, { name: 'x' })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    expect((await projects().listTemplates(owner)).map((t) => t.id)).toContain(template.id);
    const project = await projects().create(owner, { name: 'From template', templateId: template.id });
    const folders = await context.get(FoldersService).list(owner, project.id);
    expect(folders.items.map((f) => f.name).sort()).toEqual(['Evidence', 'Photos']);
    expect((await context.get(FieldsService).list(owner, project.id)).map((f) => f.name)).toEqual(['Status']);
    expect((await projects().users(owner, project.id)).map((u) => u.role).sort()).toEqual(['admin', 'write']);
    await expect(projects().create(as(B), { name: 'x', templateId: template.id })).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });
});
