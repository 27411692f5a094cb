import { createHash, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { CreateViewingSessionBody, Principal, ServiceSchemas, ViewingSourceReply } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AccountScope, EventPublisher, loadEnv, ObjectStorage, OutboundAllowList, OutboundUrlPolicy, StorageModule } from '@quire/platform';
import { createMediumContext, MediumContext, testEnv } from '@quire/testing';
import { migrations } from '../src/migrations';
import { PageImage, PageText, ReadyPackage, Renditions, SourceObject, ViewingPackages } from '../src/renditions/renditions.api';
import { ViewingSecret } from '../src/secrets/viewing-secret.entity';
import { ViewingSecretsService } from '../src/secrets/viewing-secrets.service';
import { CreateViewingSessionUseCase } from '../src/sessions/create-viewing-session.use-case';
import { DocumentSources } from '../src/sessions/document-sources';
import { PagesService } from '../src/sessions/pages.service';
import { SourceFilesService } from '../src/sessions/source-files.service';
import { ViewingSession, ViewingSessionSource } from '../src/sessions/viewing-session.entities';
import { ViewingSessionsService } from '../src/sessions/viewing-sessions.service';
import { ViewingSessionEnv } from '../src/viewing-session.env';
import { viewingSessionProviders } from '../src/viewing-session.module';

/**
 * Renditions is viewing-render's (not merged on this branch): this stand-in stores one white
 * 816x1056 PNG per rendition in the real S3, so the session rules and watermark stamping run
 * against real storage. The rules under test are the sessions', not the renderer's.
 */
class InMemoryRenditions extends Renditions {
  readonly started: SourceObject[] = [];
  constructor(private readonly storage: () => ObjectStorage) {
    super();
  }
  async start(_scope: AccountScope, source: SourceObject) {
    this.started.push(source);
    return { renditionId: `r-${source.sha256 ?? randomUUID()}` };
  }
  async documentAttributes() {
    return { pageCount: 3, confidence: 100 };
  }
  async pageAttributes() {
    return { width: 816, height: 1056 };
  }
  async pageImage(_scope: AccountScope, renditionId: string, page: number, opts: { thumbnail?: { width: number; height: number } }): Promise<PageImage> {
    const [width, height] = opts.thumbnail ? [124, 160] : [816, 1056];
    const key = `viewing-session/test-renditions/${renditionId}/${page}-${width}`;
    const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).png().toBuffer();
    await this.storage().put(key, png, 'image/png');
    return { objectKey: key, contentType: 'image/png', etag: `"${createHash('md5').update(png).digest('hex')}"`, width, height };
  }
  async text(): Promise<PageText[]> {
    return [];
  }
}

/** The owners' answers over NATS, as a map (the handlers themselves are tested in their services). */
class MapDocumentSources extends DocumentSources {
  readonly lookups: string[] = [];
  readonly documents = new Map<string, ViewingSourceReply>();
  constructor() {
    super(undefined as never);
  }
  override async resolve(principal: Principal, fileName: string, at: string): Promise<ViewingSourceReply> {
    this.lookups.push(fileName);
    const found = this.documents.get(`${principal.accountId}:${fileName}`);
    if (!found) throw DomainError.notFound('Document', { errorCode: 'DocumentNotFound', in: 'body', at });
    return found;
  }
}

describe('viewing sessions (medium)', () => {
  let context: MediumContext;
  let storage: ObjectStorage;
  const renditions = new InMemoryRenditions(() => storage);
  const documents = new MapDocumentSources();
  const published: Array<{ subject: string; payload: unknown }> = [];
  const env = loadEnv(ViewingSessionEnv, testEnv({ HTTP_PORT: '0' }));
  const A = randomUUID();
  const B = randomUUID();
  const as = (accountId: string, roles = ['user']): Principal => ({ accountId, userId: randomUUID(), roles, scopes: [] });

  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: ServiceSchemas['viewing-session'], entities: [ViewingSession, ViewingSessionSource, ViewingSecret], migrations },
      env,
      imports: [StorageModule],
      providers: [
        ...viewingSessionProviders,
        { provide: Renditions, useValue: renditions },
        { provide: DocumentSources, useValue: documents },
        // Only the local test server is allow-listed (an intranet host, as an operator would list it).
        { provide: OutboundUrlPolicy, useValue: new OutboundUrlPolicy(OutboundAllowList.parse('127.0.0.1')) },
        { provide: EventPublisher, useValue: { publish: (subject: string, payload: unknown) => published.push({ subject, payload }) } },
      ],
    });
    storage = context.get(ObjectStorage);
    documents.documents.set(`${A}:docrepo:doc1`, { objectKey: 'document-repository/x', sizeBytes: 10, sha256: 'a'.repeat(64), contentType: 'application/pdf', name: 'sample.pdf' });
    documents.documents.set(`${A}:docrepo:doc2@2`, {
      objectKey: 'document-repository/y',
      sizeBytes: 10,
      sha256: 'b'.repeat(64),
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      name: 'original.docx',
    });
  });
  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  let server: Server | undefined;
  async function localServer(): Promise<string> {
    server = createServer((request, response) => {
      if (request.url === '/redirect') return void response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (request.url === '/missing') return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/pdf', 'x-seen-agent': String(request.headers['user-agent']) }).end('%PDF-1.4 from a url');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  const create = (principal: Principal, body: unknown) => context.get(CreateViewingSessionUseCase).execute(principal, body as CreateViewingSessionBody);
  const code = (error: unknown) => (error instanceof DomainError ? { code: error.code, ...error.details } : error);
  const failure = (promise: Promise<unknown>) => promise.then(() => 'resolved', code);

  async function upload(principal: Principal, viewingSessionId: string, slot: 'single' | 'original' | 'revised', bytes: Buffer) {
    const files = context.get(SourceFilesService);
    const { objectKey } = await files.reserve(principal, { viewingSessionId, slot });
    await storage.put(objectKey, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await files.commit(principal, { viewingSessionId, slot, objectKey, sizeBytes: bytes.length, sha256, contentType: 'application/octet-stream', headHex: bytes.subarray(0, 16).toString('hex') });
    return objectKey;
  }

  it('creates a document session (≥ 128-bit id) and starts its rendition; a name that names nothing is a 404', async () => {
    const principal = as(A);
    const { viewingSessionId } = await create(principal, { source: { type: 'document', fileName: 'docrepo:doc1' } });
    expect(viewingSessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(renditions.started.at(-1)).toMatchObject({ objectKey: 'document-repository/x' });
    for (const fileName of ['sample.doc', 'docrepo:missing', 'file:x@2']) {
      expect(await failure(create(principal, { source: { type: 'document', fileName } }))).toMatchObject({ code: ErrorCode.NotFound, errorCode: 'DocumentNotFound', at: 'source.fileName' });
    }
    // Another account's document is not found either.
    expect(await failure(create(as(B), { source: { type: 'document', fileName: 'docrepo:doc1' } }))).toMatchObject({ code: ErrorCode.NotFound });
  });

  it('judges input before any lookup: caching refuses watermarks and alwaysUseRaster, comparison refuses documentId', async () => {
    const principal = as(A);
    const before = documents.lookups.length;
    const mark = { type: 'text', text: 'x' };
    expect(await failure(create(principal, { source: { type: 'document', fileName: 'nothing', documentId: 'doc_9495837910qc' }, watermarks: [mark] }))).toMatchObject({
      errorCode: 'InputNotSupportedWithDocumentId',
      in: 'body',
      at: 'watermarks',
    });
    expect(
      await failure(create(principal, { source: { type: 'document', fileName: 'nothing', documentId: 'd1' }, render: { html5: { alwaysUseRaster: true } } })),
    ).toMatchObject({ errorCode: 'InputNotSupportedWithDocumentId', at: 'render.html5.alwaysUseRaster' });
    expect(
      await failure(create(principal, { source: { type: 'comparison', documentId: 'd1', original: { type: 'upload' }, revised: { type: 'upload' } } })),
    ).toMatchObject({ errorCode: 'InputNotSupportedWithDocumentId', at: 'source.type' });
    expect(
      await failure(create(principal, { source: { type: 'comparison', original: { type: 'document', fileName: 'notes.xlsx' }, revised: { type: 'upload' } } })),
    ).toMatchObject({ errorCode: 'UnsupportedFormatForComparison', at: 'source.original.fileName' });
    expect(documents.lookups.length).toBe(before);
    // A viewing package source without packages in this build is FeatureDisabled, not a 5xx.
    expect(await failure(create(principal, { source: { type: 'viewingPackage', documentId: 'doc_9495837910qc' } }))).toMatchObject({ code: ErrorCode.BadRequest, errorCode: 'FeatureDisabled' });
  });

  it('upload: one SourceFile, then CannotChangeDocument; comparison slots only on comparison sessions', async () => {
    const principal = as(A);
    const files = context.get(SourceFilesService);
    const { viewingSessionId } = await create(principal, { source: { type: 'upload', displayName: 'sample_2015-10-31T19:15:32Z.doc' } });
    expect(await failure(files.reserve(principal, { viewingSessionId, slot: 'original' }))).toMatchObject({ errorCode: 'IncorrectUsage' });
    const key = await upload(principal, viewingSessionId, 'single', Buffer.from('%PDF-1.4 hello'));
    expect(await failure(files.reserve(principal, { viewingSessionId, slot: 'single' }))).toMatchObject({ errorCode: 'CannotChangeDocument' });
    expect(await files.location({ viewingSessionId })).toMatchObject({ objectKey: key, sizeBytes: 14, name: 'sample_2015-10-31T19:15:32Z.doc' });
    expect(await failure(files.reserve(as(B), { viewingSessionId, slot: 'single' }))).toMatchObject({ code: ErrorCode.NotFound });

    const document = await create(principal, { source: { type: 'document', fileName: 'docrepo:doc1' } });
    expect(await failure(files.reserve(principal, { viewingSessionId: document.viewingSessionId, slot: 'single' }))).toMatchObject({ errorCode: 'CannotChangeDocument' });
    expect(await failure(files.reserve(principal, { viewingSessionId: document.viewingSessionId, slot: 'revised' }))).toMatchObject({ errorCode: 'IncorrectUsage' });
  });

  it('comparison: original and revised by upload (doc / docx / odt / pdf only, bytes checked), a single SourceFile is IncorrectUsage', async () => {
    const principal = as(A);
    const files = context.get(SourceFilesService);
    const { viewingSessionId } = await create(principal, {
      source: { type: 'comparison', original: { type: 'document', fileName: 'docrepo:doc2@2' }, revised: { type: 'upload' } },
    });
    expect(await failure(files.reserve(principal, { viewingSessionId, slot: 'single' }))).toMatchObject({ errorCode: 'IncorrectUsage' });
    expect(await failure(files.reserve(principal, { viewingSessionId, slot: 'original' }))).toMatchObject({ errorCode: 'CannotChangeDocument' });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const refused = await failure(upload(principal, viewingSessionId, 'revised', png));
    expect(refused).toMatchObject({ errorCode: 'UnsupportedFormatForComparison' });
    await upload(principal, viewingSessionId, 'revised', Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(64)]));
    expect(await failure(files.reserve(principal, { viewingSessionId, slot: 'revised' }))).toMatchObject({ errorCode: 'CannotChangeDocument' });
  });

  it('serves pages by session id alone; a watermarked session stamps every image and refuses its SourceFile', async () => {
    const principal = as(A);
    const pages = context.get(PagesService);
    const plain = await create(principal, { source: { type: 'document', fileName: 'docrepo:doc1' } });
    expect(await pages.documentAttributes({ viewingSessionId: plain.viewingSessionId })).toEqual({ pageCount: 3, pageCountConfidence: 100 });
    const clean = await pages.pageImage({ viewingSessionId: plain.viewingSessionId, page: 0, contentType: 'png' });
    expect(clean.objectKey).toContain('test-renditions');

    const marked = await create(principal, {
      source: { type: 'document', fileName: 'docrepo:doc1' },
      watermarks: [{ type: 'text', opacity: 0.6, text: 'jdoe\nNOT FOR DISTRIBUTION', color: 'red', fontFamily: 'Consolas', fontSize: '16pt', fontWeight: 'bold', verticalAlign: 'bottom', horizontalAlign: 'right' }],
    });
    for (const request of [
      { page: 0, contentType: 'png' as const },
      { page: 0, contentType: 'png' as const, thumbnailWidth: 160, thumbnailHeight: 160 },
    ]) {
      const stamped = await pages.pageImage({ viewingSessionId: marked.viewingSessionId, ...request });
      expect(stamped.objectKey).toMatch(/^viewing-session\/watermarked\//);
      const { data, info } = await sharp((await storage.getBuffer(stamped.objectKey))!).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      let red = 0;
      for (let i = 0; i < data.length; i += info.channels) if (data[i]! > 180 && data[i + 1]! < 170) red++;
      expect(red).toBeGreaterThan(10);
      // The clean rendition stays clean.
      const again = await pages.pageImage({ viewingSessionId: plain.viewingSessionId, ...request });
      const cleanPixels = await sharp((await storage.getBuffer(again.objectKey))!).stats();
      expect(cleanPixels.channels[1]!.min).toBe(255);
    }
    expect(await failure(context.get(SourceFilesService).location({ viewingSessionId: marked.viewingSessionId }))).toMatchObject({ code: ErrorCode.BadRequest, errorCode: 'InvalidInput' });
    expect(await failure(pages.pageImage({ viewingSessionId: marked.viewingSessionId, page: 0, contentType: 'png', thumbnailWidth: 161, thumbnailHeight: 160 }))).toMatchObject({
      errorCode: 'InvalidInput',
    });
  });

  it('url: fetched through the outbound guard into the session; private addresses, redirects inside and non-2xx are 480 at source.url', async () => {
    const principal = as(A);
    const base = await localServer();
    const { viewingSessionId } = await create(principal, { source: { type: 'url', url: `${base}/documents/sample.pdf`, headers: { 'user-agent': 'PrizmShare' }, acceptBadSslCertificate: true } });
    const started = renditions.started.at(-1)!;
    expect(started).toMatchObject({ sizeBytes: 19, contentType: 'application/pdf', name: 'sample.pdf' });
    expect(started.objectKey.startsWith(`viewing-session/sessions/${viewingSessionId}/single/`)).toBe(true);
    expect((await storage.getBuffer(started.objectKey))!.toString()).toBe('%PDF-1.4 from a url');
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'ftp://example.com/a.pdf', `${base}/redirect`, `${base}/missing`]) {
      // The guard's refusal (VALIDATION_FAILED) or ours for a non-2xx (BAD_REQUEST): both the mapper's 480 InvalidInput.
      const error = (await failure(create(principal, { source: { type: 'url', url } }))) as { code: ErrorCode; in: string; at: string };
      expect({ url, in: error.in, at: error.at, input: [ErrorCode.ValidationFailed, ErrorCode.BadRequest].includes(error.code) }).toEqual({ url, in: 'body', at: 'source.url', input: true });
    }
    expect(await failure(create(principal, { source: { type: 'comparison', original: { type: 'upload' }, revised: { type: 'url', url: 'http://10.0.0.1/x.docx' } } }))).toMatchObject({
      at: 'source.revised.url',
    });
  });

  it('DELETE revokes at once (owner account only); the sweeper removes expired sessions and their uploads', async () => {
    const principal = as(A);
    const service = context.get(ViewingSessionsService);
    const pages = context.get(PagesService);
    const { viewingSessionId } = await create(principal, { source: { type: 'upload' } });
    const key = await upload(principal, viewingSessionId, 'single', Buffer.from('%PDF-1.4 x'));
    expect(await failure(service.delete(as(B), viewingSessionId))).toMatchObject({ code: ErrorCode.NotFound });
    await service.delete(principal, viewingSessionId);
    expect(await failure(pages.documentAttributes({ viewingSessionId }))).toMatchObject({ code: ErrorCode.NotFound, errorCode: 'DocumentNotFound' });
    expect(await storage.head(key)).toBeUndefined();

    const expired = await create(principal, { source: { type: 'upload' } });
    const expiredKey = await upload(principal, expired.viewingSessionId, 'single', Buffer.from('%PDF-1.4 y'));
    await context.dataSource.query(`UPDATE viewing.viewing_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.viewingSessionId]);
    expect(await failure(pages.documentAttributes({ viewingSessionId: expired.viewingSessionId }))).toMatchObject({ code: ErrorCode.NotFound });
    expect(await service.sweepExpired()).toBeGreaterThanOrEqual(1);
    expect(await context.dataSource.query(`SELECT 1 FROM viewing.viewing_sessions WHERE id = $1`, [expired.viewingSessionId])).toHaveLength(0);
    expect(await storage.head(expiredKey)).toBeUndefined();
  });

  it('Accusoft-Secret: admins rotate it (stored hashed), the old one stops resolving, others are refused', async () => {
    const secrets = context.get(ViewingSecretsService);
    const admin = as(A, ['admin']);
    expect(await failure(secrets.rotate(as(A)))).toMatchObject({ code: ErrorCode.Forbidden });
    const first = await secrets.rotate(admin);
    expect(first.secret).toMatch(/^vs_[0-9a-f]{16}_/);
    const [row] = await context.dataSource.query(`SELECT secret_hash FROM viewing.viewing_secrets WHERE account_id = $1`, [A]);
    expect(row.secret_hash).not.toContain(first.secret.slice(20));
    expect(await secrets.resolve(first.secret)).toMatchObject({ accountId: A, roles: ['viewing-server'] });
    const second = await secrets.rotate(admin);
    expect(published.at(-1)).toEqual({ subject: 'evt.viewing-session.secret_revoked', payload: { secretId: first.secretId } });
    expect(await failure(secrets.resolve(first.secret))).toMatchObject({ code: ErrorCode.Forbidden, errorCode: 'InvalidSecret' });
    // One character changed (never to itself: a secret ending in A stays a different secret with B).
    const altered = `${second.secret.slice(0, -1)}${second.secret.endsWith('A') ? 'B' : 'A'}`;
    expect(await failure(secrets.resolve(altered))).toMatchObject({ code: ErrorCode.Forbidden });
    expect(await failure(secrets.resolve('mysecretkey'))).toMatchObject({ code: ErrorCode.Forbidden });
    expect(await secrets.resolve(second.secret)).toMatchObject({ accountId: A });
    await secrets.revoke(admin);
    expect(await failure(secrets.resolve(second.secret))).toMatchObject({ code: ErrorCode.Forbidden });
  });
});

/** viewing-render's ViewingPackages, as far as sessions see it: ready packages by documentId. */
class MapViewingPackages extends ViewingPackages {
  readonly ready = new Map<string, ReadyPackage>();
  readonly startedFor: string[] = [];
  async findReady(scope: AccountScope, documentId: string) {
    return this.ready.get(`${scope.accountId}:${documentId}`);
  }
  async startForDocument(scope: AccountScope, documentId: string) {
    this.startedFor.push(`${scope.accountId}:${documentId}`);
    return { processId: randomUUID() };
  }
}

describe('viewing sessions with caching (medium)', () => {
  let context: MediumContext;
  const packages = new MapViewingPackages();
  const renditions = new InMemoryRenditions(() => context.get(ObjectStorage));
  const documents = new MapDocumentSources();
  const A = randomUUID();
  const principal: Principal = { accountId: A, userId: randomUUID(), roles: ['user'], scopes: [] };

  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: ServiceSchemas['viewing-session'], entities: [ViewingSession, ViewingSessionSource, ViewingSecret], migrations },
      env: loadEnv(ViewingSessionEnv, testEnv({ HTTP_PORT: '0' })),
      imports: [StorageModule],
      providers: [
        ...viewingSessionProviders,
        { provide: Renditions, useValue: renditions },
        { provide: ViewingPackages, useValue: packages },
        { provide: DocumentSources, useValue: documents },
        { provide: OutboundUrlPolicy, useValue: new OutboundUrlPolicy() },
        { provide: EventPublisher, useValue: { publish: () => undefined } },
      ],
    });
    documents.documents.set(`${A}:docrepo:d1`, { objectKey: 'document-repository/d1', sizeBytes: 5, sha256: 'd'.repeat(64), contentType: 'application/pdf', name: 'd1.pdf' });
  });
  afterAll(() => context?.close());

  const create = (body: unknown) => context.get(CreateViewingSessionUseCase).execute(principal, body as CreateViewingSessionBody);
  const failure = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: unknown) => (error instanceof DomainError ? { code: error.code, ...error.details } : error));

  it('document + documentId starts a package when none is ready, then uses the ready one (and refuses a conflicting fileName)', async () => {
    await create({ source: { type: 'document', fileName: 'docrepo:d1', documentId: 'doc_9495837910qc' } });
    expect(packages.startedFor).toEqual([`${A}:doc_9495837910qc`]);
    packages.ready.set(`${A}:doc_9495837910qc`, { renditionId: 'r-package', source: { objectKey: 'viewing/d1', sizeBytes: 1, fileName: 'docrepo:d1' }, render: {} });
    const before = documents.lookups.length;
    const { viewingSessionId } = await create({ source: { type: 'document', fileName: 'docrepo:d1', documentId: 'doc_9495837910qc' } });
    expect(documents.lookups.length).toBe(before);
    const [source] = await context.dataSource.query(`SELECT rendition_id FROM viewing.viewing_session_sources WHERE session_id = $1`, [viewingSessionId]);
    expect(source.rendition_id).toBe('r-package');
    expect(await failure(create({ source: { type: 'document', fileName: 'docrepo:other', documentId: 'doc_9495837910qc' } }))).toMatchObject({
      errorCode: 'InputConflictsWithViewingPackage',
      in: 'body',
      at: 'source.fileName',
    });
  });

  it('viewingPackage: a ready package is viewed; a missing one is 404 at source.documentId; a different render conflicts', async () => {
    const { viewingSessionId } = await create({ source: { type: 'viewingPackage', documentId: 'doc_9495837910qc' } });
    expect(viewingSessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await failure(create({ source: { type: 'viewingPackage', documentId: 'doc_missing' } }))).toMatchObject({ code: ErrorCode.NotFound, errorCode: 'DocumentNotFound', at: 'source.documentId' });
    expect(await failure(create({ source: { type: 'viewingPackage', documentId: 'doc_9495837910qc' }, render: { html5: {} } }))).toMatchObject({
      errorCode: 'InputConflictsWithViewingPackage',
      at: 'render',
    });
  });
});
