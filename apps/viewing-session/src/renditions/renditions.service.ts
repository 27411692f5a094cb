import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AccountScope, ObjectStorage } from '@quire/platform';
import { DomainError } from '@quire/errors';
import { LibreOfficePool } from '../rendering/libreoffice-pool';
import { PageOutOfRangeError } from '../rendering/errors';
import { PdfRenderer } from '../rendering/pdf-renderer';
import { ProcessRunner } from '../rendering/process-runner';
import { BackgroundRenders } from './background-renders';
import { ConversionJob, ConversionQueue, SizeClass } from './conversion-queue';
import { ConvertRenditionUseCase } from './convert-rendition.use-case';
import { BASE_VARIANT, PageVariants, RenderStats, VariantSpec, variantName } from './page-variants';
import { Rendition, RenditionPage } from './rendition.entity';
import { RenditionFiles } from './rendition-files';
import {
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
import { RenditionsRepository } from './renditions.repository';
import { StartRenditionUseCase } from './start-rendition.use-case';
import { parseBboxLayout } from './text-layout';


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

export type RenditionsStats = RenderStats;

/**
 * Renditions over Postgres (`RenditionsRepository`, rows of the account), S3 (every byte) and a
 * JetStream work queue (conversions, `ConvertRenditionUseCase`): the reads of the API, which wait
 * for the rendition to be ready and render a variant not made yet on first request (kept).
 * One instance per replica: its pool, queue consumers, work folder and in-flight renders.
 */
export class RenditionsService extends Renditions {
  readonly stats: RenditionsStats = { conversions: 0, renders: 0, renderMs: [] };
  private readonly files: RenditionFiles;
  private readonly runner: ProcessRunner;
  private readonly renderer: PdfRenderer;
  private readonly variants: PageVariants;
  private readonly background: BackgroundRenders;
  private readonly starting: StartRenditionUseCase;
  private readonly converting: ConvertRenditionUseCase;

  constructor(
    private readonly repository: RenditionsRepository,
    private readonly storage: ObjectStorage,
    private readonly queue: ConversionQueue,
    private readonly options: RenditionsServiceOptions,
  ) {
    super();
    this.files = new RenditionFiles(storage, options.workDir);
    this.runner = new ProcessRunner({ PATH: options.binPath ?? '/usr/local/bin:/usr/bin:/bin' });
    this.renderer = new PdfRenderer(this.runner, { timeoutMs: options.timeoutMs });
    this.variants = new PageVariants(repository, storage, this.files, this.stats, this.renderer, options);
    this.background = new BackgroundRenders(options.backgroundConcurrency);
    this.starting = new StartRenditionUseCase(repository, storage, queue, { converterInstalled: options.pool !== undefined });
    this.converting = new ConvertRenditionUseCase(repository, storage, this.files, this.variants, this.renderer, this.background, this.stats, options);
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

  start(scope: AccountScope, source: SourceObject): Promise<{ renditionId: string }> {
    return this.starting.execute({ scope, source });
  }

  async documentAttributes(scope: AccountScope, renditionId: string, opts: DocumentAttributesOptions): Promise<{ pageCount: number; confidence: number }> {
    const rendition = await this.waitReady(scope, renditionId, opts.waitMs);
    return { pageCount: rendition.pageCount!, confidence: 100 };
  }

  async pageAttributes(scope: AccountScope, renditionId: string, page: number, opts: { waitMs: number }): Promise<{ width: number; height: number }> {
    const rendition = await this.waitReady(scope, renditionId, opts.waitMs);
    const found = await this.page(scope, rendition, page);
    return { width: found.width, height: found.height };
  }

  async pageImage(scope: AccountScope, renditionId: string, page: number, opts: PageImageOptions): Promise<PageImage> {
    const spec = checkedVariant(opts);
    const deadline = Date.now() + opts.waitMs;
    const rendition = await this.waitReady(scope, renditionId, opts.waitMs);
    const name = variantName(spec);
    for (;;) {
      const stored = (await this.page(scope, rendition, page)).variants[name];
      if (stored) return { objectKey: stored.key, contentType: stored.contentType, etag: stored.etag, width: stored.width, height: stored.height };
      // Page 0 (and the rest) are being made by the job / background: wait for them a little
      // rather than rendering twice; other variants are made now.
      const inFlight = this.variants.inFlightRender(rendition, page, spec);
      if (inFlight) return inFlight;
      if (name !== variantName(BASE_VARIANT) || Date.now() >= deadline || !this.background.isScheduled(rendition.id, page)) {
        return this.variants.render(rendition, page, spec);
      }
      await sleep(25);
    }
  }

  async text(scope: AccountScope, renditionId: string, begin: number, end: number, opts: { waitMs: number }): Promise<PageText[]> {
    const rendition = await this.waitReady(scope, renditionId, opts.waitMs);
    const count = rendition.pageCount!;
    if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && end >= begin)) {
      throw DomainError.validation('Page range is invalid', { in: 'path', at: 'range' });
    }
    if (begin >= count) throw new PageOutOfRangeError(begin, count);
    const last = Math.min(end, count - 1);
    if (rendition.kind === 'image') {
      const pages = await this.repository.pages(scope, rendition.id);
      return pages.filter((p) => p.page >= begin && p.page <= last).map((p) => ({ page: p.page, width: p.width, height: p.height, words: [] }));
    }
    const key = `${this.variants.prefix(rendition)}/text-${begin}-${last}.json`;
    const cached = await this.storage.getBuffer(key);
    if (cached) return JSON.parse(cached.toString('utf8')) as PageText[];
    const pdf = await this.files.pdf(rendition);
    const layout = await this.renderer.textLayout(pdf, begin, last);
    // pdftotext answers in PDF points; pages and words are given in the 96-dpi pixels of the images.
    const pages = parseBboxLayout(layout, 96 / 72).map((p, index) => ({ ...p, page: begin + index }));
    await this.storage.put(key, JSON.stringify(pages), 'application/json');
    return pages;
  }

  // ---- the worker side ----

  /** One conversion job (a JetStream delivery): see ConvertRenditionUseCase. */
  process(job: ConversionJob, info: { delivery: number; lastDelivery: boolean; sizeClass: SizeClass }): Promise<void> {
    return this.converting.execute({ job, ...info });
  }

  /**
   * Deletes renditions unused since `olderThan`, then their objects (every key under the
   * rendition's prefix: pages, PDF, text) and this replica's copies; SKIP LOCKED.
   */
  async sweep(olderThan: Date, limit = 100): Promise<number> {
    const swept = await this.repository.deleteUnused(olderThan, limit);
    for (const rendition of swept) {
      const prefix = this.variants.prefix(rendition);
      const listed: string[] = [];
      try {
        for await (const object of this.storage.list(`${prefix}/`)) listed.push(object.key);
      } catch {
        // S3 cannot list now: the keys the rows named still go.
      }
      await this.storage.deleteQuietly([...new Set([...rendition.variantKeys, `${prefix}/document.pdf`, ...listed])]);
      await this.files.forget(rendition.id);
    }
    return swept.length;
  }

  // ---- internals ----

  private async waitReady(scope: AccountScope, id: string, waitMs: number): Promise<Rendition> {
    const deadline = Date.now() + waitMs;
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      const rendition = await this.repository.find(scope, id);
      if (!rendition) throw DomainError.notFound('Document', { renditionId: id });
      if (rendition.state === 'ready' || (rendition.pageCount !== null && rendition.state === 'processing')) return rendition;
      if (rendition.state === 'error') throw new RenditionFailed(rendition.error ?? 'conversion failed');
      if (Date.now() + delay > deadline) throw new RenditionNotReady(this.options.retryAfterSeconds, { renditionId: id });
      await sleep(delay);
    }
  }

  private async page(scope: AccountScope, rendition: Rendition, page: number): Promise<RenditionPage> {
    const outOfRange = () => new PageOutOfRangeError(page, rendition.pageCount ?? 0);
    if (!Number.isInteger(page) || page < 0 || page >= (rendition.pageCount ?? 0)) throw outOfRange();
    const found = await this.repository.page(scope, rendition.id, page);
    if (!found) throw outOfRange();
    return found;
  }
}

/** The variant asked for, after the input rules (scale range, the thumbnail sizes, no SVG thumbnails). */
function checkedVariant(opts: PageImageOptions): VariantSpec {
  const scale = opts.scale ?? 1;
  if (!(scale >= MIN_SCALE && scale <= MAX_SCALE)) throw DomainError.validation('Scale is out of range', { in: 'query', at: 'Scale' });
  if (opts.thumbnail && !isThumbnailSize(opts.thumbnail.width, opts.thumbnail.height)) {
    throw DomainError.validation('Thumbnail size is not supported', { in: 'path', at: 'size' });
  }
  if (opts.thumbnail && opts.contentType === 'svg') throw DomainError.validation('Thumbnails are png or jpeg', { in: 'query', at: 'ContentType' });
  return { type: opts.contentType, scale, ...(opts.thumbnail ? { thumbnail: opts.thumbnail } : {}) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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
