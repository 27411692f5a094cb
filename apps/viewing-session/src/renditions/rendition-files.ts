import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectStorage } from '@quire/platform';
import { RenderError } from '../rendering/errors';
import type { Rendition } from './rendition.entity';

/** How many image sources a replica keeps in memory for rendering their variants. */
const MAX_SOURCES_IN_MEMORY = 20;

/**
 * The bytes a replica renders from, fetched once per replica: a rendition's PDF on local disk
 * (`{workDir}/{id}.pdf`) and image sources in memory (the last few).
 */
export class RenditionFiles {
  private readonly pdfs = new Map<string, Promise<string>>();
  private readonly sources = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly storage: ObjectStorage,
    private readonly workDir: string,
  ) {}

  /** Keeps the PDF a conversion just made, so this replica renders from it without a download. */
  async keepPdf(id: string, pdf: Buffer): Promise<void> {
    const file = this.pdfPath(id);
    await writeFile(file, pdf);
    this.pdfs.set(id, Promise.resolve(file));
  }

  /** The rendition's PDF on local disk. */
  pdf(rendition: Pick<Rendition, 'id' | 'pdfKey'>): Promise<string> {
    return this.once(this.pdfs, rendition.id, async () => {
      const file = this.pdfPath(rendition.id);
      if (existsSync(file)) return file;
      if (!rendition.pdfKey) throw new RenderError('The rendition has no PDF');
      const bytes = await this.storage.getBuffer(rendition.pdfKey);
      if (!bytes) throw new RenderError('The rendition PDF is gone');
      await writeFile(file, bytes);
      return file;
    });
  }

  /** An image rendition's source bytes. */
  source(rendition: Pick<Rendition, 'id' | 'sourceKey'>): Promise<Buffer> {
    const loading = this.once(this.sources, rendition.id, async () => {
      const bytes = await this.storage.getBuffer(rendition.sourceKey);
      if (!bytes) throw new RenderError('The source file is gone');
      return bytes;
    });
    if (this.sources.size > MAX_SOURCES_IN_MEMORY) this.sources.delete(this.sources.keys().next().value!);
    return loading;
  }

  /** Drops what this replica kept of a deleted rendition. */
  async forget(id: string): Promise<void> {
    this.pdfs.delete(id);
    this.sources.delete(id);
    await rm(this.pdfPath(id), { force: true });
  }

  private pdfPath(id: string): string {
    return path.join(this.workDir, `${id}.pdf`);
  }

  /** One load per id at a time; a failed load is tried again on the next call. */
  private once<T>(cache: Map<string, Promise<T>>, id: string, load: () => Promise<T>): Promise<T> {
    const cached = cache.get(id);
    if (cached) return cached;
    const loading = load();
    loading.catch(() => cache.delete(id));
    cache.set(id, loading);
    return loading;
  }
}
