import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connect, NatsConnection } from 'nats';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { ServiceSchemas } from '@quire/contracts';
import { loadEnv, ObjectStorage } from '@quire/platform';
import { buildDocx, createBucket, createMediumContext, MediumContext, removeBucket, testEnv, testS3Client, uniqueId, waitFor } from '@quire/testing';
import { migrations } from '../src/migrations';
import { ViewingPackagesRepository } from '../src/packages/viewing-packages.repository';
import { LibreOfficePool } from '../src/rendering/libreoffice-pool';
import { ConversionQueue } from '../src/renditions/conversion-queue';
import { ConverterUnavailable, RenditionNotReady, UnsupportedFormat } from '../src/renditions/renditions.api';
import { RenditionsRepository } from '../src/renditions/renditions.repository';
import { RenditionsService } from '../src/renditions/renditions.service';
import { ViewingPackagesService } from '../src/packages/viewing-packages.service';
import { ViewingSessionEnv } from '../src/viewing-session.env';
import { viewingEntities } from '../src/viewing-session.module';

/**
 * Renditions against the real stack: Postgres (migrated schema), NATS JetStream (work queue), the
 * S3 test server, LibreOffice and poppler. Every test's account is new, so runs never collide.
 */

const database = { schema: ServiceSchemas['viewing-session'], entities: viewingEntities, migrations };

async function inkRatio(image: Buffer): Promise<number> {
  const { data } = await sharp(image).flatten({ background: '#ffffff' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (const value of data) if (value < 128) dark += 1;
  return dark / data.length;
}

async function textImage(text: string, width = 400, height = 200): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/><text x="20" y="${height / 2}" font-size="48" font-family="DejaVu Sans" fill="black">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('Renditions (real Postgres, JetStream, S3, LibreOffice, poppler)', () => {
  let context: MediumContext;
  let dataSource: DataSource;
  let nats: NatsConnection;
  let storage: ObjectStorage;
  let dir: string;
  const bucket = `quire-test-vr-${uniqueId()}`;
  const s3 = testS3Client();
  const prefix = `t${uniqueId()}.`;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    const env = loadEnv(ViewingSessionEnv, testEnv({ HTTP_PORT: '0', DATABASE_POOL_SIZE: '4' }));
    context = await createMediumContext({ database, env, providers: [RenditionsRepository, ViewingPackagesRepository] });
    dataSource = context.dataSource;
    nats = await connect({ servers: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222' });
    await createBucket(s3, bucket);
    storage = new ObjectStorage(s3, bucket);
    dir = await mkdtemp(path.join(os.tmpdir(), 'viewing-renditions-'));
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    const jsm = await nats.jetstreamManager();
    const streams = await jsm.streams.names().next();
    for (const name of streams) if (name.startsWith(prefix.replace(/[^A-Za-z0-9_-]/g, '_'))) await jsm.streams.delete(name);
    await nats.drain();
    await context.close();
    await removeBucket(s3, bucket);
    await rm(dir, { recursive: true, force: true });
  });

  /** A replica: its own pool, consumers on the shared stream, its own work folder. */
  async function replica(
    name: string,
    options: { poolSize?: number; withPool?: boolean; ackWaitMs?: number; streamPrefix?: string; consume?: boolean; connection?: NatsConnection } = {},
  ): Promise<{ service: RenditionsService; pool?: LibreOfficePool; queue: ConversionQueue; stop: () => Promise<void> }> {
    const pool =
      options.withPool === false
        ? undefined
        : new LibreOfficePool({
            sofficePath: 'soffice',
            pythonPath: '/usr/bin/python3',
            workDir: path.join(dir, `pool-${name}`),
            size: options.poolSize ?? 1,
            maxConversionsPerWorker: 50,
            maxRssBytes: 2 * 1024 * 1024 * 1024,
            timeoutMs: 90_000,
            maxQueue: 20,
            env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir },
          });
    const queue = new ConversionQueue(options.connection ?? nats, {
      prefix: options.streamPrefix ?? prefix,
      largeFromBytes: 1024 * 1024,
      maxQueued: 50,
      queueFullRetryAfterSeconds: 5,
      ackWaitMs: options.ackWaitMs ?? 60_000,
      maxDeliveries: 3,
      concurrency: { small: options.poolSize ?? 1, large: 1 },
    });
    await queue.setUp();
    const service = new RenditionsService(context.get(RenditionsRepository), storage, queue, {
      keyPrefix: 'viewing',
      workDir: path.join(dir, `render-${name}`),
      pool,
      timeoutMs: 60_000,
      backgroundConcurrency: 1,
      retryAfterSeconds: 2,
    });
    if (options.consume !== false) await service.startWorkers();
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await service.stopWorkers();
      await pool?.close();
    };
    cleanups.push(stop);
    return { service, pool, queue, stop };
  }

  async function upload(name: string, bytes: Buffer, contentType?: string) {
    const objectKey = `viewing/sources/${randomUUID()}/${name}`;
    await storage.put(objectKey, bytes, contentType);
    return { objectKey, sizeBytes: bytes.length, name, contentType };
  }

  async function pageBytes(service: RenditionsService, scope: { accountId: string }, renditionId: string, page: number, contentType: 'png' | 'jpeg' = 'png') {
    const image = await service.pageImage(scope, renditionId, page, { contentType, waitMs: 90_000 });
    const bytes = await storage.getBuffer(image.objectKey);
    expect(bytes).toBeDefined();
    return { image, bytes: bytes! };
  }

  let main: Awaited<ReturnType<typeof replica>>;
  beforeAll(async () => {
    main = await replica('main', { poolSize: 2 });
  });

  it('renders a .docx, a .pdf, a .png and a multi-page .tiff as page images with ink', async () => {
    const scope = { accountId: randomUUID() };
    const docx = await upload('report.docx', buildDocx('Quarterly viewing report\nwith enough words to show ink on the page'));
    const { renditionId: docxId } = await main.service.start(scope, docx);
    const docxPage = await pageBytes(main.service, scope, docxId, 0);
    expect(docxPage.image.contentType).toBe('image/png');
    expect(await inkRatio(docxPage.bytes)).toBeGreaterThan(0.001);

    // The PDF the conversion stored is itself a source.
    const pdfKey = (await dataSource.query(`SELECT "pdf_key" FROM "viewing"."renditions" WHERE "id" = $1`, [docxId]))[0].pdf_key as string;
    const pdfBytes = (await storage.getBuffer(pdfKey))!;
    const pdf = await upload('copy.pdf', pdfBytes);
    const other = { accountId: randomUUID() };
    const { renditionId: pdfId } = await main.service.start(other, pdf);
    const pdfPage = await pageBytes(main.service, other, pdfId, 0, 'jpeg');
    expect(pdfPage.image.contentType).toBe('image/jpeg');
    expect(await inkRatio(pdfPage.bytes)).toBeGreaterThan(0.001);

    const png = await upload('scan.png', await textImage('PNG page'));
    const { renditionId: pngId } = await main.service.start(scope, png);
    expect(await main.service.documentAttributes(scope, pngId, { waitMs: 30_000 })).toEqual({ pageCount: 1, confidence: 100 });
    expect(await inkRatio((await pageBytes(main.service, scope, pngId, 0)).bytes)).toBeGreaterThan(0.001);

    const pages = await Promise.all(['one', 'two', 'three'].map((t) => textImage(`TIFF ${t}`)));
    const tiff = await upload('fax.tiff', await sharp(pages, { join: { animated: true } }).tiff().toBuffer());
    const { renditionId: tiffId } = await main.service.start(scope, tiff);
    expect((await main.service.documentAttributes(scope, tiffId, { waitMs: 30_000 })).pageCount).toBe(3);
    for (const page of [0, 1, 2]) {
      const { image, bytes } = await pageBytes(main.service, scope, tiffId, page);
      expect(image).toMatchObject({ width: 400, height: 200 });
      expect(await inkRatio(bytes)).toBeGreaterThan(0.001);
    }
    // Different pages are different pictures.
    const first = (await pageBytes(main.service, scope, tiffId, 0)).image.etag;
    expect((await pageBytes(main.service, scope, tiffId, 2)).image.etag).not.toBe(first);
  });

  it('a 20-page document: page count, every page in the background, thumbnails, SVG, text with positions', async () => {
    const scope = { accountId: randomUUID() };
    const lines = Array.from({ length: 20 * 46 }, (_, i) => `Line ${i + 1} of the long viewing document`);
    const { renditionId } = await main.service.start(scope, await upload('long.docx', buildDocx(lines.join('\n'))));
    const { pageCount } = await main.service.documentAttributes(scope, renditionId, { waitMs: 90_000 });
    expect(pageCount).toBeGreaterThanOrEqual(15);
    const size = await main.service.pageAttributes(scope, renditionId, 0, { waitMs: 1_000 });
    expect(size.width).toBeGreaterThan(700); // A4 / Letter at 96 dpi ≈ 794–816 px wide
    await waitFor(
      async () => {
        const rows: Array<{ n: string }> = await dataSource.query(
          `SELECT count(*) AS n FROM "viewing"."rendition_pages" WHERE "rendition_id" = $1 AND "variants" ? 'png@1'`,
          [renditionId],
        );
        return Number(rows[0]!.n) === pageCount;
      },
      { timeoutMs: 60_000, description: 'every page rendered in the background' },
    );
    const thumb = await main.service.pageImage(scope, renditionId, 3, { contentType: 'png', thumbnail: { width: 160, height: 160 }, waitMs: 1_000 });
    expect(Math.max(thumb.width, thumb.height)).toBe(160);
    await expect(main.service.pageImage(scope, renditionId, 0, { contentType: 'png', thumbnail: { width: 161, height: 160 }, waitMs: 1_000 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const svg = await main.service.pageImage(scope, renditionId, 1, { contentType: 'svg', waitMs: 1_000 });
    expect(svg.contentType).toBe('image/svg+xml');
    expect((await storage.getBuffer(svg.objectKey))!.toString('utf8')).toContain('<svg');
    const text = await main.service.text(scope, renditionId, 0, 1, { waitMs: 1_000 });
    expect(text.map((p) => p.page)).toEqual([0, 1]);
    const word = text[0]!.words.find((w) => w.text === 'Line');
    expect(word).toBeDefined();
    expect(word!.x).toBeGreaterThan(0);
    expect(word!.width).toBeGreaterThan(0);
    // Another account sees nothing of it.
    await expect(main.service.documentAttributes({ accountId: randomUUID() }, renditionId, { waitMs: 10 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a second start of the same bytes converts nothing; 3 concurrent conversions finish', async () => {
    const scope = { accountId: randomUUID() };
    const bytes = buildDocx(`Cached once ${randomUUID()}`);
    const first = await main.service.start(scope, await upload('a.docx', bytes));
    await pageBytes(main.service, scope, first.renditionId, 0);
    const conversions = main.service.stats.conversions;
    const second = await main.service.start(scope, await upload('b.docx', bytes));
    expect(second.renditionId).toBe(first.renditionId);
    await pageBytes(main.service, scope, second.renditionId, 0);
    expect(main.service.stats.conversions).toBe(conversions);
    const jobs = await dataSource.query(`SELECT count(*)::int AS n FROM "viewing"."conversion_jobs" WHERE "rendition_id" = $1`, [first.renditionId]);
    expect(jobs[0].n).toBe(1);

    const started = await Promise.all(
      [1, 2, 3].map(async (n) => main.service.start(scope, await upload(`c${n}.docx`, buildDocx(`Concurrent ${n} ${randomUUID()}`)))),
    );
    const images = await Promise.all(started.map(({ renditionId }) => pageBytes(main.service, scope, renditionId, 0)));
    for (const { bytes: image } of images) expect(await inkRatio(image)).toBeGreaterThan(0.001);
    expect(main.service.stats.conversions).toBe(conversions + 3);
  });

  it('not ready within waitMs → RenditionNotReady with retryAfterSeconds; unsupported → UnsupportedFormat; no soffice → FeatureDisabled', async () => {
    const scope = { accountId: randomUUID() };
    const idle = await replica('idle', { consume: false, streamPrefix: `t${uniqueId()}.`, withPool: true });
    const { renditionId } = await idle.service.start(scope, await upload('w.docx', buildDocx('waiting')));
    const error = await idle.service.documentAttributes(scope, renditionId, { waitMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RenditionNotReady);
    expect((error as RenditionNotReady).details).toMatchObject({ errorCode: 'NotReady', retryAfterSeconds: 2 });
    await expect(idle.service.start(scope, await upload('tool.exe', Buffer.from('MZ\u0090\0 not a document')))).rejects.toBeInstanceOf(UnsupportedFormat);
    const noOffice = await replica('no-office', { withPool: false, consume: false, streamPrefix: `t${uniqueId()}.` });
    await expect(noOffice.service.start(scope, await upload('x.docx', buildDocx('x')))).rejects.toBeInstanceOf(ConverterUnavailable);
    // …while a PDF still works without a converter.
    await idle.stop();
    await noOffice.stop();
  });

  it('a killed LibreOffice worker is replaced and its job completes; a crashed replica’s job is redelivered by JetStream', async () => {
    const scope = { accountId: randomUUID() };
    const pool = main.pool!;
    await pool.warmUp();
    const lines = Array.from({ length: 20 * 46 }, (_, i) => `Kill test line ${i} ${randomUUID()}`);
    const { renditionId } = await main.service.start(scope, await upload('kill.docx', buildDocx(lines.join('\n'))));
    await waitFor(async () => (await dataSource.query(`SELECT "state" FROM "viewing"."renditions" WHERE "id" = $1`, [renditionId]))[0].state === 'processing', {
      timeoutMs: 30_000,
      description: 'the job to start',
    });
    const before = pool.workerPids();
    for (const pid of before) process.kill(-pid, 'SIGKILL');
    const { bytes } = await pageBytes(main.service, scope, renditionId, 0);
    expect(await inkRatio(bytes)).toBeGreaterThan(0.001);
    await pool.warmUp();
    expect(pool.workerPids().some((pid) => before.includes(pid))).toBe(false);

    // JetStream path: a replica takes the job and dies without acking; another replica gets it
    // after the ack wait. Both replicas share a stream of their own (short ack wait).
    const streamPrefix = `t${uniqueId()}.`;
    const doomedConnection = await connect({ servers: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222' });
    const doomed = await replica('doomed', { streamPrefix, ackWaitMs: 3_000, connection: doomedConnection });
    let taken = false;
    let release: () => void = () => undefined;
    doomed.service.process = async () => {
      taken = true;
      await doomedConnection.close(); // the replica "crashes": its message is never acked
      await new Promise<void>((resolve) => (release = resolve));
      throw new Error('crashed');
    };
    const crashScope = { accountId: randomUUID() };
    const { renditionId: crashed } = await doomed.service.start(crashScope, await upload('crash.docx', buildDocx(`Crash ${randomUUID()}`)));
    await waitFor(() => taken, { timeoutMs: 20_000, description: 'the doomed replica to take the job' });
    const survivor = await replica('survivor', { streamPrefix, ackWaitMs: 3_000 });
    const { bytes: recovered } = await pageBytes(survivor.service, crashScope, crashed, 0);
    expect(await inkRatio(recovered)).toBeGreaterThan(0.001);
    const deliveries = await dataSource.query(`SELECT "delivery", "outcome" FROM "viewing"."conversion_jobs" WHERE "rendition_id" = $1`, [crashed]);
    expect(deliveries).toEqual([{ delivery: 2, outcome: 'done' }]);
    release();
    await survivor.stop();
    const jsm = await nats.jetstreamManager();
    await jsm.streams.delete(survivor.queue.stream);
  });

  it('the sweeper deletes unused renditions with their objects', async () => {
    const scope = { accountId: randomUUID() };
    const { renditionId } = await main.service.start(scope, await upload('old.png', await textImage('old')));
    const { image } = await pageBytes(main.service, scope, renditionId, 0);
    // A page read touches last_used_at in the background: age the row until the sweep sees it old.
    await waitFor(
      async () => {
        await dataSource.query(`UPDATE "viewing"."renditions" SET "last_used_at" = now() - interval '30 days' WHERE "id" = $1`, [renditionId]);
        return (await main.service.sweep(new Date(Date.now() - 24 * 3_600_000))) >= 1;
      },
      { timeoutMs: 10_000, description: 'the sweep to delete the unused rendition' },
    );
    expect(await storage.head(image.objectKey)).toBeUndefined();
    await expect(main.service.documentAttributes(scope, renditionId, { waitMs: 10 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('viewing packages: ready after the rendition, replaced per documentId, deleted, expired ones swept', async () => {
    const scope = { accountId: randomUUID() };
    const packages = new ViewingPackagesService(context.get(ViewingPackagesRepository), main.service, storage);
    const documentId = `doc-${randomUUID()}`;
    const source = await upload('pkg.png', await textImage('package'));
    const { processId } = await packages.startForDocument(scope, documentId, source, 3600);
    const ready = await waitFor(() => packages.findReady(scope, documentId), { timeoutMs: 30_000, description: 'the package to be ready' });
    expect(ready.source.objectKey).toBe(source.objectKey);
    expect(await packages.process(scope, processId)).toEqual({ state: 'complete', percentComplete: 100 });
    expect(await packages.findReady({ accountId: randomUUID() }, documentId)).toBeUndefined();
    expect(await packages.delete(scope, documentId)).toBe(true);
    expect(await packages.findReady(scope, documentId)).toBeUndefined();
    await packages.startForDocument(scope, documentId, source, 1);
    await dataSource.query(`UPDATE "viewing"."viewing_packages" SET "expires_at" = now() - interval '1 minute' WHERE "account_id" = $1`, [scope.accountId]);
    expect(await packages.findReady(scope, documentId)).toBeUndefined();
    expect(await packages.sweep()).toBeGreaterThanOrEqual(1);
  });
});
