import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import type { AccountScope, ObjectStorage } from '@quire/platform';
import { DomainError, ErrorCode } from '@quire/errors';
import { LibreOfficePool } from '../rendering/libreoffice-pool';
import { PdfRenderer } from '../rendering/pdf-renderer';
import { ProcessRunner } from '../rendering/process-runner';
import { PageOutOfRangeError, RenderError } from '../rendering/errors';
import { ConversionJob, ConversionQueue, SizeClass } from './conversion-queue';
import { detectFormat, SourceKind } from './formats';
import {
  ConverterUnavailable,
  DocumentAttributesOptions,
  isThumbnailSize,
  MAX_SCALE,
  MIN_SCALE,
  PageImage,
  PageImageOptions,
  PageText,
  RenditionFailed,
  RenditionNotReady,
  Renditions,
  SourceObject,
} from './renditions.api';
import { renderDuration } from './render-duration';
import { parseBboxLayout } from './text-layout';

const SCHEMA = '"viewing"';
/** Render options every rendition uses today (96 dpi base); part of the cache key. */
const DEFAULT_RENDER = { dpi: 96 } as const;

interface RenditionRow {
  id: string;
  account_id: string;
  sha256: string;
  format: string;
  kind: SourceKind;
  source_key: string;
  source_size: string;
  pdf_key: string | null;
  state: 'queued' | 'processing' | 'ready' | 'error';
  page_count: number | null;
  error: string | null;
}

interface PageRow {
  page: number;
  width: number;
  height: number;
  variants: Record<string, { key: string; etag: string; contentType: string; width: number; height: number }>;
}

export interface RenditionsServiceOptions {
  /** S3 key prefix of everything this service stores. */
  keyPrefix: string;
  /** Local cache of sources / PDFs being rendered. */
  workDir: string;
  /** undefined: no soffice installed → Office files are FeatureDisabled. */
  pool: LibreOfficePool | undefined;
  timeoutMs: number;
  /** Background renders in flight per replica. */
  backgroundConcurrency: number;
  /** Hints the client to retry after this many seconds (Retry-After). */
  retryAfterSeconds: number;
  /** Where poppler's programs are found (PATH of the process runner). */
  binPath?: string;
}

export interface RenditionsStats {
  conversions: number;
  renders: number;
  renderMs: number[];
}

/**
 * Renditions over Postgres (rows scoped by account), S3 (every byte) and a JetStream work queue
 * (conversions). A job converts the source to PDF when needed, stores it, records the page count
 * and page sizes, renders page 0 and then acks; the other pages render in the background, and
 * any variant not made yet (scale, JPEG, SVG, thumbnail) is rendered on first request and kept.
 */
export class RenditionsService extends Renditions {
  private readonly logger = new Logger(RenditionsService.name);
  private readonly runner: ProcessRunner;
  private readonly renderer: PdfRenderer;
  readonly stats: RenditionsStats = { conversions: 0, renders: 0, renderMs: [] };
  private readonly localPdfs = new Map<string, Promise<string>>();
  private readonly background: Array<() => Promise<void>> = [];
  private backgroundRunning = 0;
  private readonly inFlightVariants = new Map<string, Promise<PageImage>>();

  constructor(
    private readonly db: DataSource,
    private readonly storage: ObjectStorage,
    private readonly queue: ConversionQueue,
    private readonly options: RenditionsServiceOptions,
  ) {
    super();
    this.runner = new ProcessRunner({ PATH: options.binPath ?? '/usr/local/bin:/usr/bin:/bin' });
    this.renderer = new PdfRenderer(this.runner, { timeoutMs: options.timeoutMs });
  }

  async startWorkers(): Promise<void> {
    await mkdir(this.options.workDir, { recursive: true });
    this.queue.start((job, info) => this.process(job, info));
  }

  async stopWorkers(): Promise<void> {
    await this.queue.stop();
    this.runner.close();
  }

  // ---- the API ----

  async start(scope: AccountScope, source: SourceObject): Promise<{ renditionId: string }> {
    let sha256 = source.sha256;
    let head: Buffer;
    if (!sha256) {
      const bytes = await this.storage.getBuffer(source.objectKey);
      if (!bytes) throw DomainError.notFound('Source file', { objectKey: source.objectKey });
      sha256 = createHash('sha256').update(bytes).digest('hex');
      head = bytes.subarray(0, 4096);
    } else {
      const part = await this.storage.get(source.objectKey, 'bytes=0-4095');
      if (!part) throw DomainError.notFound('Source file', { objectKey: source.objectKey });
      head = await streamToBuffer(part.body);
    }
    const { format, kind } = detectFormat(head, source.name, source.contentType);
    if (kind === 'office' && !this.options.pool) throw new ConverterUnavailable();
    const optionsHash = createHash('sha256').update(JSON.stringify(DEFAULT_RENDER)).digest('hex').slice(0, 16);
    const id = randomUUID();
    const inserted: Array<{ id: string }> = await this.db.query(
      `INSERT INTO ${SCHEMA}."renditions"
         ("id", "account_id", "sha256", "options_hash", "render_options", "format", "kind", "source_key", "source_size", "state")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued')
       ON CONFLICT ("account_id", "sha256", "options_hash") DO NOTHING RETURNING "id"`,
      [id, scope.accountId, sha256, optionsHash, JSON.stringify(DEFAULT_RENDER), format, kind, source.objectKey, source.sizeBytes],
    );
    if (inserted.length === 0) {
      // (a CTE: TypeORM answers a bare UPDATE … RETURNING as [rows, count])
      const rows: Array<{ id: string; state: string }> = await this.db.query(
        `WITH touched AS (
           UPDATE ${SCHEMA}."renditions" SET "last_used_at" = now()
            WHERE "account_id" = $1 AND "sha256" = $2 AND "options_hash" = $3 RETURNING "id", "state")
         SELECT * FROM touched`,
        [scope.accountId, sha256, optionsHash],
      );
      const existing = rows[0]!;
      if (existing.state !== 'error') return { renditionId: existing.id };
      // A failed rendition is tried again with these bytes.
      await this.db.query(`UPDATE ${SCHEMA}."renditions" SET "state" = 'queued', "error" = NULL, "source_key" = $3 WHERE "account_id" = $1 AND "id" = $2`, [
        scope.accountId,
        existing.id,
        source.objectKey,
      ]);
      await this.enqueue({ renditionId: existing.id, accountId: scope.accountId }, source.sizeBytes);
      return { renditionId: existing.id };
    }
    try {
      await this.enqueue({ renditionId: id, accountId: scope.accountId }, source.sizeBytes);
    } catch (error) {
      await this.db.query(`DELETE FROM ${SCHEMA}."renditions" WHERE "account_id" = $1 AND "id" = $2`, [scope.accountId, id]);
      throw error;
    }
    return { renditionId: id };
  }

  async documentAttributes(scope: AccountScope, renditionId: string, opts: DocumentAttributesOptions): Promise<{ pageCount: number; confidence: number }> {
    const row = await this.waitReady(scope, renditionId, opts.waitMs);
    return { pageCount: row.page_count!, confidence: 100 };
  }

  async pageAttributes(scope: AccountScope, renditionId: string, page: number, opts: { waitMs: number }): Promise<{ width: number; height: number }> {
    const row = await this.waitReady(scope, renditionId, opts.waitMs);
    const found = await this.page(scope, row, page);
    return { width: found.width, height: found.height };
  }

  async pageImage(scope: AccountScope, renditionId: string, page: number, opts: PageImageOptions): Promise<PageImage> {
    const scale = opts.scale ?? 1;
    if (!(scale >= MIN_SCALE && scale <= MAX_SCALE)) throw DomainError.validation('Scale is out of range', { in: 'query', at: 'Scale' });
    if (opts.thumbnail && !isThumbnailSize(opts.thumbnail.width, opts.thumbnail.height)) {
      throw DomainError.validation('Thumbnail size is not supported', { in: 'path', at: 'size' });
    }
    if (opts.thumbnail && opts.contentType === 'svg') throw DomainError.validation('Thumbnails are png or jpeg', { in: 'query', at: 'ContentType' });
    const deadline = Date.now() + opts.waitMs;
    const row = await this.waitReady(scope, renditionId, opts.waitMs);
    const variant = variantName(opts.contentType, scale, opts.thumbnail);
    for (;;) {
      const found = await this.page(scope, row, page);
      const stored = found.variants[variant];
      if (stored) return { objectKey: stored.key, contentType: stored.contentType, etag: stored.etag, width: stored.width, height: stored.height };
      // Page 0 (and the rest) are being made by the job / background: wait for them a little
      // rather than rendering twice; other variants are made now.
      const inFlight = this.inFlightVariants.get(`${row.id}/${page}/${variant}`);
      if (inFlight) return inFlight;
      if (variant !== 'png@1' || Date.now() >= deadline || !(await this.isScheduled(row.id, page))) {
        return this.renderVariant(row, page, variant, opts.contentType, scale, opts.thumbnail);
      }
      await sleep(25);
    }
  }

  async text(scope: AccountScope, renditionId: string, begin: number, end: number, opts: { waitMs: number }): Promise<PageText[]> {
    const row = await this.waitReady(scope, renditionId, opts.waitMs);
    const count = row.page_count!;
    if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && end >= begin)) {
      throw DomainError.validation('Page range is invalid', { in: 'path', at: 'range' });
    }
    if (begin >= count) throw new PageOutOfRangeError(begin, count);
    const last = Math.min(end, count - 1);
    if (row.kind === 'image') {
      const pages = await this.pages(scope, row.id);
      return pages.filter((p) => p.page >= begin && p.page <= last).map((p) => ({ page: p.page, width: p.width, height: p.height, words: [] }));
    }
    const key = `${this.renditionPrefix(row)}/text-${begin}-${last}.json`;
    const cached = await this.storage.getBuffer(key);
    if (cached) return JSON.parse(cached.toString('utf8')) as PageText[];
    const pdf = await this.localPdf(row);
    const { stdout } = await this.runner.run('pdftotext', ['-bbox-layout', '-f', String(begin + 1), '-l', String(last + 1), pdf, '-'], {
      timeoutMs: this.options.timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    // pdftotext answers in PDF points; pages and words are given in the 96-dpi pixels of the images.
    const pages = parseBboxLayout(stdout.toString('utf8'), 96 / 72).map((p, index) => ({ ...p, page: begin + index }));
    await this.storage.put(key, JSON.stringify(pages), 'application/json');
    return pages;
  }

  // ---- the worker side ----

  /** One conversion job: convert/inspect, store, page 0, ack; rest in the background. */
  async process(job: ConversionJob, info: { delivery: number; lastDelivery: boolean; sizeClass: SizeClass }): Promise<void> {
    const scope = { accountId: job.accountId };
    const row = await this.find(scope, job.renditionId);
    if (!row || row.state === 'ready') return; // deleted, or done by an earlier delivery: nothing to do
    const startedAt = Date.now();
    await this.db.query(`UPDATE ${SCHEMA}."renditions" SET "state" = 'processing' WHERE "account_id" = $1 AND "id" = $2`, [job.accountId, job.renditionId]);
    const dir = await mkdtemp(path.join(this.options.workDir, 'job-'));
    try {
      const source = await this.storage.getBuffer(row.source_key);
      if (!source) throw new RenditionFailed('The source file is gone');
      let pages: Array<{ width: number; height: number }>;
      let pdfKey: string | null = null;
      if (row.kind === 'image') {
        pages = await imagePages(source);
      } else {
        let pdfPath = path.join(dir, 'document.pdf');
        if (row.kind === 'office') {
          const input = path.join(dir, `source.${row.format}`);
          await writeFile(input, source);
          if (!this.options.pool) throw new ConverterUnavailable();
          await this.options.pool.convert(input, pdfPath);
          this.stats.conversions += 1;
        } else {
          await writeFile(pdfPath, source);
        }
        pdfKey = `${this.renditionPrefix(row)}/document.pdf`;
        const pdf = await readFile(pdfPath);
        await this.storage.put(pdfKey, pdf, 'application/pdf');
        pages = await this.renderer.pageSizes(pdfPath, DEFAULT_RENDER.dpi).catch((error: Error) => {
          throw new RenditionFailed(`The PDF cannot be read: ${error.message.slice(0, 200)}`);
        });
        const cachedPath = this.cachedPdfPath(row.id);
        await writeFile(cachedPath, pdf);
        this.localPdfs.set(row.id, Promise.resolve(cachedPath));
        pdfPath = cachedPath;
      }
      if (pages.length === 0) throw new RenditionFailed('The document has no pages');
      await this.db.transaction(async (manager) => {
        await manager.query(`DELETE FROM ${SCHEMA}."rendition_pages" WHERE "account_id" = $1 AND "rendition_id" = $2`, [job.accountId, row.id]);
        const values = pages.map((_, i) => `($1, $2, ${i}, $${3 + i * 2}, $${4 + i * 2})`).join(', ');
        await manager.query(
          `INSERT INTO ${SCHEMA}."rendition_pages" ("rendition_id", "account_id", "page", "width", "height") VALUES ${values}`,
          [row.id, job.accountId, ...pages.flatMap((p) => [p.width, p.height])],
        );
        await manager.query(
          `UPDATE ${SCHEMA}."renditions" SET "page_count" = $3, "pdf_key" = $4 WHERE "account_id" = $1 AND "id" = $2`,
          [job.accountId, row.id, pages.length, pdfKey],
        );
      });
      const ready = { ...row, pdf_key: pdfKey, page_count: pages.length };
      // Page 0 first, before the job counts as done.
      await this.renderVariant(ready, 0, 'png@1', 'png', 1, undefined);
      await this.db.query(`UPDATE ${SCHEMA}."renditions" SET "state" = 'ready' WHERE "account_id" = $1 AND "id" = $2`, [job.accountId, row.id]);
      await this.recordJob(job, info, 'done', Date.now() - startedAt);
      for (let page = 1; page < pages.length; page += 1) this.schedule(ready, page);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const final = info.lastDelivery || error instanceof RenditionFailed || (error instanceof DomainError && error.code === ErrorCode.InvalidFileType);
      await this.recordJob(job, info, final ? 'error' : 'retry', Date.now() - startedAt, message).catch(() => undefined);
      if (final) {
        await this.db.query(`UPDATE ${SCHEMA}."renditions" SET "state" = 'error', "error" = $3 WHERE "account_id" = $1 AND "id" = $2`, [
          job.accountId,
          row.id,
          message.slice(0, 500),
        ]);
        return; // stored as an error: ack, no more deliveries
      }
      await this.db.query(`UPDATE ${SCHEMA}."renditions" SET "state" = 'queued' WHERE "account_id" = $1 AND "id" = $2`, [job.accountId, row.id]);
      throw error;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Deletes renditions unused since `olderThan` (their rows and S3 objects); SKIP LOCKED. */
  async sweep(olderThan: Date, limit = 100): Promise<number> {
    return this.db.transaction(async (manager) => {
      const rows: Array<{ id: string; account_id: string }> = await manager.query(
        `SELECT "id", "account_id" FROM ${SCHEMA}."renditions" WHERE "last_used_at" < $1 AND "state" IN ('ready', 'error')
          ORDER BY "last_used_at" LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [olderThan, limit],
      );
      for (const row of rows) {
        const pages: Array<{ variants: PageRow['variants'] }> = await manager.query(
          `SELECT "variants" FROM ${SCHEMA}."rendition_pages" WHERE "account_id" = $1 AND "rendition_id" = $2`,
          [row.account_id, row.id],
        );
        const keys = pages.flatMap((p) => Object.values(p.variants).map((v) => v.key));
        keys.push(`${this.options.keyPrefix}/renditions/${row.account_id}/${row.id}/document.pdf`);
        await this.storage.deleteQuietly(keys);
        await manager.query(`DELETE FROM ${SCHEMA}."renditions" WHERE "account_id" = $1 AND "id" = $2`, [row.account_id, row.id]);
        this.localPdfs.delete(row.id);
        await rm(this.cachedPdfPath(row.id), { force: true });
      }
      return rows.length;
    });
  }

  // ---- internals ----

  private async enqueue(job: ConversionJob, sizeBytes: number): Promise<void> {
    await this.queue.enqueue(job, this.queue.sizeClassOf(sizeBytes));
  }

  private renditionPrefix(row: Pick<RenditionRow, 'account_id' | 'id'>): string {
    return `${this.options.keyPrefix}/renditions/${row.account_id}/${row.id}`;
  }

  private cachedPdfPath(id: string): string {
    return path.join(this.options.workDir, `${id}.pdf`);
  }

  private async find(scope: AccountScope, id: string): Promise<RenditionRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const rows: RenditionRow[] = await this.db.query(`SELECT * FROM ${SCHEMA}."renditions" WHERE "account_id" = $1 AND "id" = $2`, [scope.accountId, id]);
    return rows[0];
  }

  private async waitReady(scope: AccountScope, id: string, waitMs: number): Promise<RenditionRow> {
    const deadline = Date.now() + waitMs;
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      const row = await this.find(scope, id);
      if (!row) throw DomainError.notFound('Document', { renditionId: id });
      if (row.state === 'ready' || (row.page_count !== null && row.state === 'processing')) return row;
      if (row.state === 'error') throw new RenditionFailed(row.error ?? 'conversion failed');
      if (Date.now() + delay > deadline) throw new RenditionNotReady(this.options.retryAfterSeconds, { renditionId: id });
      await sleep(delay);
    }
  }

  private async page(scope: AccountScope, row: RenditionRow, page: number): Promise<PageRow> {
    if (!Number.isInteger(page) || page < 0 || page >= (row.page_count ?? 0)) throw new PageOutOfRangeError(page, row.page_count ?? 0);
    const rows: PageRow[] = await this.db.query(
      `SELECT "page", "width", "height", "variants" FROM ${SCHEMA}."rendition_pages" WHERE "account_id" = $1 AND "rendition_id" = $2 AND "page" = $3`,
      [scope.accountId, row.id, page],
    );
    if (!rows[0]) throw new PageOutOfRangeError(page, row.page_count ?? 0);
    return rows[0];
  }

  private async pages(scope: AccountScope, id: string): Promise<PageRow[]> {
    return this.db.query(
      `SELECT "page", "width", "height", "variants" FROM ${SCHEMA}."rendition_pages" WHERE "account_id" = $1 AND "rendition_id" = $2 ORDER BY "page"`,
      [scope.accountId, id],
    );
  }

  private readonly scheduled = new Set<string>();

  private async isScheduled(id: string, page: number): Promise<boolean> {
    return this.scheduled.has(`${id}/${page}`);
  }

  private schedule(row: RenditionRow, page: number): void {
    const name = `${row.id}/${page}`;
    this.scheduled.add(name);
    this.background.push(async () => {
      try {
        await this.renderVariant(row, page, 'png@1', 'png', 1, undefined);
      } finally {
        this.scheduled.delete(name);
      }
    });
    this.pump();
  }

  private pump(): void {
    while (this.backgroundRunning < this.options.backgroundConcurrency && this.background.length) {
      const task = this.background.shift()!;
      this.backgroundRunning += 1;
      void task()
        .catch((error: Error) => this.logger.warn(`Background render failed: ${error.message}`))
        .finally(() => {
          this.backgroundRunning -= 1;
          this.pump();
        });
    }
  }

  private renderVariant(
    row: RenditionRow,
    page: number,
    variant: string,
    type: 'png' | 'jpeg' | 'svg',
    scale: number,
    thumbnail: { width: number; height: number } | undefined,
  ): Promise<PageImage> {
    const name = `${row.id}/${page}/${variant}`;
    const existing = this.inFlightVariants.get(name);
    if (existing) return existing;
    const work = this.renderNow(row, page, variant, type, scale, thumbnail).finally(() => this.inFlightVariants.delete(name));
    this.inFlightVariants.set(name, work);
    return work;
  }

  private async renderNow(
    row: RenditionRow,
    page: number,
    variant: string,
    type: 'png' | 'jpeg' | 'svg',
    scale: number,
    thumbnail: { width: number; height: number } | undefined,
  ): Promise<PageImage> {
    const startedAt = Date.now();
    let data: Buffer;
    let contentType: string;
    let width: number;
    let height: number;
    if (type === 'svg') {
      if (row.kind === 'image') {
        const png = await this.renderImagePage(row, page, 'png', scale, undefined);
        const b64 = png.data.toString('base64');
        data = Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${png.width}" height="${png.height}" viewBox="0 0 ${png.width} ${png.height}"><image width="${png.width}" height="${png.height}" xlink:href="data:image/png;base64,${b64}"/></svg>`,
        );
        ({ width, height } = png);
      } else {
        data = await this.svg(await this.localPdf(row), page);
        const sizes = await this.pageSize(row, page);
        width = Math.round(sizes.width * scale);
        height = Math.round(sizes.height * scale);
      }
      contentType = 'image/svg+xml';
    } else {
      const image = row.kind === 'image' ? await this.renderImagePage(row, page, type, scale, thumbnail) : await this.renderPdfPage(row, page, type, scale, thumbnail);
      ({ data, width, height } = image);
      contentType = type === 'png' ? 'image/png' : 'image/jpeg';
    }
    const etag = createHash('sha256').update(data).digest('hex').slice(0, 32);
    const ext = type === 'jpeg' ? 'jpg' : type;
    const key = `${this.renditionPrefix(row)}/pages/${page}/${variant.replace(/[^a-z0-9@.x-]/gi, '_')}.${ext}`;
    await this.storage.put(key, data, contentType);
    const stored = { key, etag, contentType, width, height };
    await this.db.query(
      `UPDATE ${SCHEMA}."rendition_pages" SET "variants" = jsonb_set("variants", $4, $5::jsonb, true)
        WHERE "account_id" = $1 AND "rendition_id" = $2 AND "page" = $3`,
      [row.account_id, row.id, page, `{${variant}}`, JSON.stringify(stored)],
    );
    this.stats.renders += 1;
    renderDuration().observe({ type: variantType(variant) }, (Date.now() - startedAt) / 1000);
    this.stats.renderMs.push(Date.now() - startedAt);
    if (this.stats.renderMs.length > 1000) this.stats.renderMs.shift();
    return { objectKey: key, contentType, etag, width, height };
  }

  private async pageSize(row: RenditionRow, page: number): Promise<{ width: number; height: number }> {
    const rows: Array<{ width: number; height: number }> = await this.db.query(
      `SELECT "width", "height" FROM ${SCHEMA}."rendition_pages" WHERE "account_id" = $1 AND "rendition_id" = $2 AND "page" = $3`,
      [row.account_id, row.id, page],
    );
    if (!rows[0]) throw new PageOutOfRangeError(page, row.page_count ?? 0);
    return rows[0];
  }

  private async renderPdfPage(
    row: RenditionRow,
    page: number,
    type: 'png' | 'jpeg',
    scale: number,
    thumbnail: { width: number; height: number } | undefined,
  ): Promise<{ data: Buffer; width: number; height: number }> {
    const pdf = await this.localPdf(row);
    if (!thumbnail) {
      const image = await this.renderer.render(pdf, { page, dpi: Math.round(DEFAULT_RENDER.dpi * scale), contentType: type }, row.page_count ?? undefined);
      return image;
    }
    // A thumbnail: render small (no more pixels than needed) and fit inside W×H.
    const size = await this.pageSize(row, page);
    const dpi = Math.max(10, Math.ceil(DEFAULT_RENDER.dpi * Math.min(thumbnail.width / size.width, thumbnail.height / size.height) * 1.2));
    const base = await this.renderer.render(pdf, { page, dpi, contentType: 'png' }, row.page_count ?? undefined);
    return fitThumbnail(base.data, type, thumbnail);
  }

  private async renderImagePage(
    row: RenditionRow,
    page: number,
    type: 'png' | 'jpeg',
    scale: number,
    thumbnail: { width: number; height: number } | undefined,
  ): Promise<{ data: Buffer; width: number; height: number }> {
    const source = await this.localSource(row);
    if (thumbnail) return fitThumbnail(await sharp(source, { page }).png({ compressionLevel: 1 }).toBuffer(), type, thumbnail);
    let image = sharp(source, { page }).rotate();
    if (scale !== 1) {
      const meta = await sharp(source, { page }).metadata();
      image = image.resize(Math.max(1, Math.round((meta.width ?? 1) * scale)));
    }
    const encoded = type === 'png' ? image.png({ compressionLevel: 1, adaptiveFiltering: false }) : image.flatten({ background: '#ffffff' }).jpeg({ quality: 85 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  }

  private async svg(pdf: string, page: number): Promise<Buffer> {
    const out = path.join(await mkdtemp(path.join(this.options.workDir, 'svg-')), 'page.svg');
    try {
      await this.runner.run('pdftocairo', ['-svg', '-f', String(page + 1), '-l', String(page + 1), pdf, out], { timeoutMs: this.options.timeoutMs });
      return await readFile(out);
    } catch (error) {
      throw new RenderError('pdftocairo could not make the SVG', { reason: (error as Error).message.slice(0, 300) });
    } finally {
      await rm(path.dirname(out), { recursive: true, force: true });
    }
  }

  /** The rendition's PDF on local disk (downloaded once per replica). */
  private localPdf(row: RenditionRow): Promise<string> {
    const cached = this.localPdfs.get(row.id);
    if (cached) return cached;
    const file = this.cachedPdfPath(row.id);
    const loading = (async () => {
      if (existsSync(file)) return file;
      if (!row.pdf_key) throw new RenderError('The rendition has no PDF');
      const bytes = await this.storage.getBuffer(row.pdf_key);
      if (!bytes) throw new RenderError('The rendition PDF is gone');
      await writeFile(file, bytes);
      return file;
    })();
    loading.catch(() => this.localPdfs.delete(row.id));
    this.localPdfs.set(row.id, loading);
    return loading;
  }

  private readonly localSources = new Map<string, Promise<Buffer>>();

  private localSource(row: RenditionRow): Promise<Buffer> {
    const cached = this.localSources.get(row.id);
    if (cached) return cached;
    const loading = this.storage.getBuffer(row.source_key).then((bytes) => {
      if (!bytes) throw new RenderError('The source file is gone');
      return bytes;
    });
    loading.catch(() => this.localSources.delete(row.id));
    this.localSources.set(row.id, loading);
    if (this.localSources.size > 20) this.localSources.delete(this.localSources.keys().next().value!);
    return loading;
  }

  private async recordJob(job: ConversionJob, info: { delivery: number; sizeClass: SizeClass }, outcome: string, durationMs: number, error?: string): Promise<void> {
    await this.db.query(
      `INSERT INTO ${SCHEMA}."conversion_jobs" ("rendition_id", "account_id", "size_class", "delivery", "outcome", "duration_ms", "error")
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [job.renditionId, job.accountId, info.sizeClass, info.delivery, outcome, durationMs, error?.slice(0, 500) ?? null],
    );
  }
}

function variantType(variant: string): string {
  return variant.startsWith('thumb') ? 'thumbnail' : variant.split('@')[0]!;
}

function variantName(type: 'png' | 'jpeg' | 'svg', scale: number, thumbnail?: { width: number; height: number }): string {
  if (thumbnail) return `thumb${thumbnail.width}x${thumbnail.height}.${type}`;
  return `${type}@${scale}`;
}

async function fitThumbnail(input: Buffer, type: 'png' | 'jpeg', size: { width: number; height: number }): Promise<{ data: Buffer; width: number; height: number }> {
  const image = sharp(input).resize(size.width, size.height, { fit: 'inside', withoutEnlargement: false });
  const encoded = type === 'png' ? image.png({ compressionLevel: 6 }) : image.flatten({ background: '#ffffff' }).jpeg({ quality: 80 });
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Every page's size of an image source (multi-page TIFF / GIF / WebP: each page). */
async function imagePages(source: Buffer): Promise<Array<{ width: number; height: number }>> {
  const meta = await sharp(source).metadata().catch((error: Error) => {
    throw new RenditionFailed(`The image cannot be read: ${error.message}`);
  });
  const count = meta.format === 'tiff' ? (meta.pages ?? 1) : 1;
  const pages: Array<{ width: number; height: number }> = [];
  for (let page = 0; page < count; page += 1) {
    const pageMeta = count === 1 ? meta : await sharp(source, { page }).metadata();
    const rotated = (pageMeta.orientation ?? 1) >= 5;
    const width = pageMeta.width ?? 0;
    const height = meta.format === 'tiff' || count === 1 ? (pageMeta.pageHeight ?? pageMeta.height ?? 0) : (pageMeta.height ?? 0);
    pages.push(rotated ? { width: height, height: width } : { width, height });
  }
  return pages;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Whether `soffice` can be found (else Office formats are FeatureDisabled). */
export function findSoffice(explicit: string | undefined, searchPath: string): string | undefined {
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  for (const dir of searchPath.split(':')) {
    const candidate = path.join(dir, 'soffice');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

