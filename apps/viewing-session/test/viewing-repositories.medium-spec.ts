import { randomBytes, randomUUID } from 'node:crypto';
import { ServiceSchemas } from '@quire/contracts';
import { AccountScope, loadEnv, ObjectStorage } from '@quire/platform';
import { createBucket, createMediumContext, MediumContext, removeBucket, testEnv, testS3Client, uniqueId } from '@quire/testing';
import { migrations } from '../src/migrations';
import { ViewingPackagesRepository } from '../src/packages/viewing-packages.repository';
import { packageSourcePrefix, ViewingPackagesService } from '../src/packages/viewing-packages.service';
import { PageImage, PageText, Renditions, SourceObject } from '../src/renditions/renditions.api';
import { RenditionsRepository } from '../src/renditions/renditions.repository';
import { ViewingSessionEnv } from '../src/viewing-session.env';
import { viewingEntities } from '../src/viewing-session.module';

/**
 * The renditions and packages repositories on a migrated database: every row is its account's
 * (another account finds, changes and deletes nothing of it), package progress, and the objects
 * an upload package owns going with it. The renditions' conversion is renditions.medium-spec's.
 */

const database = { schema: ServiceSchemas['viewing-session'], entities: viewingEntities, migrations };

/** Starts renditions as rows only (queued, no conversion), through the real repository. */
class QueuedRenditions extends Renditions {
  constructor(private readonly repository: () => RenditionsRepository) {
    super();
  }
  async start(scope: AccountScope, source: SourceObject): Promise<{ renditionId: string }> {
    const id = randomUUID();
    const sha256 = source.sha256 ?? randomBytes(32).toString('hex');
    const row = { id, sha256, optionsHash: '0'.repeat(16), renderOptions: { dpi: 96 }, format: 'pdf', kind: 'pdf' as const, sourceKey: source.objectKey, sourceSize: source.sizeBytes };
    if (await this.repository().insertQueued(scope, row)) return { renditionId: id };
    return { renditionId: (await this.repository().touch(scope, sha256, row.optionsHash))!.id };
  }
  documentAttributes(): Promise<{ pageCount: number; confidence: number }> {
    throw new Error('not used here');
  }
  pageAttributes(): Promise<{ width: number; height: number }> {
    throw new Error('not used here');
  }
  pageImage(): Promise<PageImage> {
    throw new Error('not used here');
  }
  text(): Promise<PageText[]> {
    throw new Error('not used here');
  }
}

describe('viewing repositories (medium): renditions and packages are their account’s', () => {
  let context: MediumContext;
  let renditions: RenditionsRepository;
  let packages: ViewingPackagesService;
  let storage: ObjectStorage;
  const s3 = testS3Client();
  const bucket = `quire-test-vrepo-${uniqueId()}`;
  const A: AccountScope = { accountId: randomUUID() };
  const B: AccountScope = { accountId: randomUUID() };

  beforeAll(async () => {
    const env = loadEnv(ViewingSessionEnv, testEnv({ HTTP_PORT: '0' }));
    context = await createMediumContext({ database, env, providers: [RenditionsRepository, ViewingPackagesRepository] });
    await createBucket(s3, bucket);
    storage = new ObjectStorage(s3, bucket);
    renditions = context.get(RenditionsRepository);
    packages = new ViewingPackagesService(context.get(ViewingPackagesRepository), new QueuedRenditions(() => renditions), storage);
  });

  afterAll(async () => {
    await context?.close();
    await removeBucket(s3, bucket);
  });

  const documentSource = (): SourceObject => ({ objectKey: `document-repository/${randomUUID()}`, sizeBytes: 10, sha256: randomBytes(32).toString('hex'), name: 'a.pdf' });
  const count = async (sql: string, params: unknown[]) => ((await context.dataSource.query(sql, params)) as Array<{ n: number }>)[0]!.n;

  it('a rendition: another account finds, touches, lists, changes and deletes nothing of it; the same bytes there are its own rendition', async () => {
    const sha256 = randomBytes(32).toString('hex');
    const row = { id: randomUUID(), sha256, optionsHash: '0'.repeat(16), renderOptions: { dpi: 96 }, format: 'pdf', kind: 'pdf' as const, sourceKey: 'k', sourceSize: 3 };
    expect(await renditions.insertQueued(A, row)).toBe(true);
    expect(await renditions.insertQueued(A, { ...row, id: randomUUID() })).toBe(false);
    await renditions.recordPages(A, row.id, [{ width: 10, height: 20 }, { width: 30, height: 40 }], 'pdf-key');
    await renditions.recordVariant(A, row.id, 1, 'png@1', { key: 'p1', etag: 'e', contentType: 'image/png', width: 10, height: 20 });

    expect(await renditions.find(B, row.id)).toBeUndefined();
    expect(await renditions.touch(B, sha256, row.optionsHash)).toBeUndefined();
    expect(await renditions.pages(B, row.id)).toEqual([]);
    expect(await renditions.page(B, row.id, 0)).toBeUndefined();
    await renditions.setState(B, row.id, 'ready');
    await renditions.fail(B, row.id, 'not yours');
    await renditions.recordVariant(B, row.id, 0, 'png@1', { key: 'x', etag: 'x', contentType: 'image/png', width: 1, height: 1 });
    await renditions.recordPages(B, row.id, [{ width: 1, height: 1 }], null);
    await renditions.recordJob(B, { renditionId: row.id, sizeClass: 'small', delivery: 1, outcome: 'done', durationMs: 1 });
    await renditions.remove(B, row.id);

    expect(await renditions.find(A, row.id)).toMatchObject({ accountId: A.accountId, state: 'queued', error: null, pageCount: 2, pdfKey: 'pdf-key', sourceSize: 3 });
    expect(await renditions.pages(A, row.id)).toEqual([
      { page: 0, width: 10, height: 20, variants: {} },
      { page: 1, width: 30, height: 40, variants: { 'png@1': { key: 'p1', etag: 'e', contentType: 'image/png', width: 10, height: 20 } } },
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM viewing.conversion_jobs WHERE rendition_id = $1`, [row.id])).toBe(0);
    // The same bytes in account B are B's own rendition.
    const other = { ...row, id: randomUUID() };
    expect(await renditions.insertQueued(B, other)).toBe(true);
    expect(await renditions.touch(B, sha256, row.optionsHash)).toEqual({ id: other.id, state: 'queued' });
    expect(await renditions.touch(A, sha256, row.optionsHash)).toEqual({ id: row.id, state: 'queued' });
  });

  it('the unused-renditions sweep takes finished renditions of any account, unused since the cut-off, with their page keys', async () => {
    const make = async (scope: AccountScope, state: 'ready' | 'processing') => {
      const row = { id: randomUUID(), sha256: randomBytes(32).toString('hex'), optionsHash: '0'.repeat(16), renderOptions: {}, format: 'png', kind: 'image' as const, sourceKey: 'k', sourceSize: 1 };
      await renditions.insertQueued(scope, row);
      await renditions.recordPages(scope, row.id, [{ width: 1, height: 1 }], null);
      await renditions.recordVariant(scope, row.id, 0, 'png@1', { key: `pages/${row.id}`, etag: 'e', contentType: 'image/png', width: 1, height: 1 });
      await renditions.setState(scope, row.id, state);
      await context.dataSource.query(`UPDATE viewing.renditions SET last_used_at = now() - interval '2 days' WHERE id = $1`, [row.id]);
      return row.id;
    };
    const [a, b, busy] = [await make(A, 'ready'), await make(B, 'ready'), await make(A, 'processing')];
    const swept = await renditions.deleteUnused(new Date(Date.now() - 24 * 3_600_000), 100);
    expect(swept).toEqual(
      expect.arrayContaining([
        { id: a, accountId: A.accountId, variantKeys: [`pages/${a}`] },
        { id: b, accountId: B.accountId, variantKeys: [`pages/${b}`] },
      ]),
    );
    expect(swept.map((r) => r.id)).not.toContain(busy);
    expect(await renditions.find(A, a)).toBeUndefined();
    expect(await renditions.find(A, busy)).toBeDefined();
  });

  it('a package: another account does not see, describe, attach to, replace or delete it', async () => {
    const documentId = `doc-${randomUUID()}`;
    const { processId } = await packages.startForDocument(A, documentId, documentSource(), 3600);
    const awaiting = await packages.awaitUpload(A, `up-${randomUUID()}`, 'a.docx', 3600);

    expect(await packages.describe(B, { documentId })).toBeUndefined();
    expect(await packages.describe(B, { processId })).toBeUndefined();
    expect(await packages.process(B, processId)).toBeUndefined();
    expect(await packages.findReady(B, documentId)).toBeUndefined();
    expect(await packages.delete(B, documentId)).toBe(false);
    expect(await packages.attachUpload(B, awaiting.processId, { objectKey: `${packageSourcePrefix(awaiting.processId)}x`, sizeBytes: 1 })).toBe(false);
    // B's package of the same documentId is B's own row; A's stays as it was.
    const theirs = await packages.awaitUpload(B, documentId, undefined, 60);
    expect(theirs.processId).not.toBe(processId);

    expect(await packages.describe(A, { documentId })).toMatchObject({ processId, state: 'queued', sourceType: 'document', lifetimeSeconds: 3600 });
    expect(await packages.describe(A, { processId: awaiting.processId })).toMatchObject({ awaitingUpload: true, state: 'queued', displayName: 'a.docx' });
    expect(await packages.describe(B, { documentId })).toMatchObject({ processId: theirs.processId, awaitingUpload: true });
    expect(await packages.describe(A, { processId: 'not-a-uuid' })).toBeUndefined();
  });

  it('percentComplete: 0 while queued, the share of pages made while processing, 100 once complete', async () => {
    const documentId = `progress-${randomUUID()}`;
    const { processId } = await packages.startForDocument(A, documentId, documentSource(), 3600);
    const info = () => packages.describe(A, { processId });
    expect(await info()).toMatchObject({ state: 'queued', percentComplete: 0 });
    const renditionId = (await context.dataSource.query(`SELECT rendition_id FROM viewing.viewing_packages WHERE process_id = $1`, [processId]))[0].rendition_id as string;
    await renditions.setState(A, renditionId, 'processing');
    expect(await info()).toMatchObject({ state: 'processing', percentComplete: 0 }); // page count not known yet
    await renditions.recordPages(A, renditionId, [1, 2, 3, 4].map(() => ({ width: 8, height: 8 })), 'pdf');
    const made = (page: number) => renditions.recordVariant(A, renditionId, page, 'png@1', { key: `k${page}`, etag: 'e', contentType: 'image/png', width: 8, height: 8 });
    await made(0);
    await renditions.recordVariant(A, renditionId, 1, 'jpeg@1', { key: 'j', etag: 'e', contentType: 'image/jpeg', width: 8, height: 8 }); // not the base image
    expect(await info()).toMatchObject({ state: 'processing', percentComplete: 25 });
    expect(await packages.process(A, processId)).toEqual({ state: 'processing', percentComplete: 25 });
    await made(1);
    await made(2);
    await made(3);
    expect(await info()).toMatchObject({ state: 'processing', percentComplete: 99 }); // 100 is "complete"
    await renditions.setState(A, renditionId, 'ready');
    expect(await info()).toMatchObject({ state: 'complete', percentComplete: 100 });
    expect(await packages.process(A, processId)).toEqual({ state: 'complete', percentComplete: 100 });
  });

  it('an upload package’s SourceFile object goes when the package is deleted, replaced or expires; a document package’s bytes stay', async () => {
    async function uploaded(documentId: string): Promise<string> {
      const { processId } = await packages.awaitUpload(A, documentId, undefined, 3600);
      const objectKey = `${packageSourcePrefix(processId)}${randomUUID()}`;
      await storage.put(objectKey, 'bytes');
      expect(await packages.attachUpload(A, processId, { objectKey, sizeBytes: 5 })).toBe(true);
      return objectKey;
    }
    const deleted = `del-${randomUUID()}`;
    const deletedKey = await uploaded(deleted);
    expect(await packages.delete(A, deleted)).toBe(true);
    expect(await storage.head(deletedKey)).toBeUndefined();

    const replaced = `rep-${randomUUID()}`;
    const replacedKey = await uploaded(replaced);
    const newerKey = await uploaded(replaced);
    expect(await storage.head(replacedKey)).toBeUndefined();
    expect(await storage.head(newerKey)).toBeDefined();
    await packages.startForDocument(A, replaced, documentSource(), 3600);
    expect(await storage.head(newerKey)).toBeUndefined();

    const expired = `exp-${randomUUID()}`;
    const expiredKey = await uploaded(expired);
    const document = documentSource();
    await storage.put(document.objectKey, 'the owner’s bytes');
    await packages.startForDocument(B, `doc-${randomUUID()}`, document, 3600);
    await context.dataSource.query(`UPDATE viewing.viewing_packages SET expires_at = now() - interval '1 minute' WHERE account_id IN ($1, $2)`, [A.accountId, B.accountId]);
    expect(await packages.sweep()).toBeGreaterThanOrEqual(2);
    expect(await storage.head(expiredKey)).toBeUndefined();
    expect(await storage.head(document.objectKey)).toBeDefined();
    expect(await count(`SELECT count(*)::int AS n FROM viewing.viewing_packages WHERE account_id IN ($1, $2)`, [A.accountId, B.accountId])).toBe(0);
  });
});
