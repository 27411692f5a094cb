import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { AccountScope, ObjectStorage, Transactional } from '@quire/platform';
import { DomainError, ErrorCode } from '@quire/errors';
import { LibreOfficePool } from '../rendering/libreoffice-pool';
import { PdfRenderer } from '../rendering/pdf-renderer';
import { BackgroundRenders } from './background-renders';
import { ConversionJob, SizeClass } from './conversion-queue';
import { BASE_VARIANT, DEFAULT_RENDER, PageVariants, RenderStats } from './page-variants';
import { Rendition } from './rendition.entity';
import { RenditionFiles } from './rendition-files';
import { ConverterUnavailable, RenditionFailed } from './renditions.api';
import { RenditionsRepository } from './renditions.repository';


export interface ConvertRenditionCommand {
  job: ConversionJob;
  delivery: number;
  lastDelivery: boolean;
  sizeClass: SizeClass;
}

type PageSize = { width: number; height: number };

/**
 * One delivery of a conversion job: convert the source to PDF when it is an Office file, store
 * the PDF, record the page sizes, render page 0, mark the rendition ready (the job is acked when
 * this answers); the other pages render in the background. A failure is final (state `error`,
 * acked) on the last delivery or for a document that cannot be converted; otherwise the job is
 * queued again and this throws, so JetStream redelivers it.
 */
export class ConvertRenditionUseCase {
  constructor(
    private readonly repository: RenditionsRepository,
    private readonly storage: ObjectStorage,
    private readonly files: RenditionFiles,
    private readonly variants: PageVariants,
    private readonly renderer: PdfRenderer,
    private readonly background: BackgroundRenders,
    private readonly stats: RenderStats,
    private readonly options: { workDir: string; pool: LibreOfficePool | undefined },
  ) {}

  async execute(command: ConvertRenditionCommand): Promise<void> {
    const { job } = command;
    const scope = { accountId: job.accountId };
    const rendition = await this.repository.find(scope, job.renditionId);
    if (!rendition || rendition.state === 'ready') return; // deleted, or done by an earlier delivery: nothing to do
    const startedAt = Date.now();
    await this.repository.setState(scope, rendition.id, 'processing');
    const dir = await mkdtemp(path.join(this.options.workDir, 'job-'));
    try {
      const source = await this.storage.getBuffer(rendition.sourceKey);
      if (!source) throw new RenditionFailed('The source file is gone');
      const { pages, pdfKey } = rendition.kind === 'image' ? { pages: await imagePages(source), pdfKey: null } : await this.storePdf(rendition, source, dir);
      if (pages.length === 0) throw new RenditionFailed('The document has no pages');
      await this.recordPages(scope, rendition.id, pages, pdfKey);
      const converted = { ...rendition, pdfKey, pageCount: pages.length };
      // Page 0 first, before the job counts as done.
      await this.variants.render(converted, 0, BASE_VARIANT);
      await this.repository.setState(scope, rendition.id, 'ready');
      await this.record(scope, command, 'done', startedAt);
      for (let page = 1; page < pages.length; page += 1) this.background.add(rendition.id, page, () => this.variants.render(converted, page, BASE_VARIANT));
    } catch (error) {
      await this.failed(scope, command, error, startedAt);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The PDF of a PDF or Office source, stored in S3 and kept on this replica; answers its page sizes. */
  private async storePdf(rendition: Rendition, source: Buffer, dir: string): Promise<{ pages: PageSize[]; pdfKey: string }> {
    const pdfPath = path.join(dir, 'document.pdf');
    if (rendition.kind === 'office') {
      const input = path.join(dir, `source.${rendition.format}`);
      await writeFile(input, source);
      if (!this.options.pool) throw new ConverterUnavailable();
      await this.options.pool.convert(input, pdfPath);
      this.stats.conversions += 1;
    } else {
      await writeFile(pdfPath, source);
    }
    const pdfKey = `${this.variants.prefix(rendition)}/document.pdf`;
    const pdf = await readFile(pdfPath);
    await this.storage.put(pdfKey, pdf, 'application/pdf');
    const pages = await this.renderer.pageSizes(pdfPath, DEFAULT_RENDER.dpi).catch((error: Error) => {
      throw new RenditionFailed(`The PDF cannot be read: ${error.message.slice(0, 200)}`);
    });
    await this.files.keepPdf(rendition.id, pdf);
    return { pages, pdfKey };
  }

  @Transactional()
  private async recordPages(scope: AccountScope, id: string, pages: PageSize[], pdfKey: string | null): Promise<void> {
    await this.repository.recordPages(scope, id, pages, pdfKey);
  }

  private async failed(scope: AccountScope, command: ConvertRenditionCommand, error: unknown, startedAt: number): Promise<void> {
    const { job } = command;
    const message = error instanceof Error ? error.message : String(error);
    const final = command.lastDelivery || error instanceof RenditionFailed || (error instanceof DomainError && error.code === ErrorCode.InvalidFileType);
    await this.record(scope, command, final ? 'error' : 'retry', startedAt, message).catch(() => undefined);
    if (final) {
      await this.repository.fail(scope, job.renditionId, message);
      return; // stored as an error: ack, no more deliveries
    }
    await this.repository.setState(scope, job.renditionId, 'queued');
    throw error;
  }

  private record(scope: AccountScope, command: ConvertRenditionCommand, outcome: 'done' | 'retry' | 'error', startedAt: number, error?: string): Promise<void> {
    return this.repository.recordJob(scope, {
      renditionId: command.job.renditionId,
      sizeClass: command.sizeClass,
      delivery: command.delivery,
      outcome,
      durationMs: Date.now() - startedAt,
      error,
    });
  }
}

/** Every page's size of an image source (multi-page TIFF / GIF / WebP: each page). */
async function imagePages(source: Buffer): Promise<PageSize[]> {
  const meta = await sharp(source)
    .metadata()
    .catch((error: Error) => {
      throw new RenditionFailed(`The image cannot be read: ${error.message}`);
    });
  const count = meta.format === 'tiff' ? (meta.pages ?? 1) : 1;
  const pages: PageSize[] = [];
  for (let page = 0; page < count; page += 1) {
    const pageMeta = count === 1 ? meta : await sharp(source, { page }).metadata();
    const rotated = (pageMeta.orientation ?? 1) >= 5;
    const width = pageMeta.width ?? 0;
    const height = meta.format === 'tiff' || count === 1 ? (pageMeta.pageHeight ?? pageMeta.height ?? 0) : (pageMeta.height ?? 0);
    pages.push(rotated ? { width: height, height: width } : { width, height });
  }
  return pages;
}
