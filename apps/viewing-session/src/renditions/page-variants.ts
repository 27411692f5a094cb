import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { AccountScope, ObjectStorage } from '@quire/platform';
import { PageOutOfRangeError } from '../rendering/errors';
import { PdfRenderer } from '../rendering/pdf-renderer';
import { ImageType, PageImage } from './renditions.api';
import { Rendition } from './rendition.entity';
import { RenditionFiles } from './rendition-files';
import { RenditionsRepository } from './renditions.repository';
import { renderDuration } from './render-duration';


/** Render options every rendition uses today (96 dpi base); part of the cache key. */
export const DEFAULT_RENDER = { dpi: 96 } as const;

/** Which image of a page: its type and scale, or a thumbnail that fits inside W×H. */
export interface VariantSpec {
  type: ImageType;
  scale: number;
  thumbnail?: { width: number; height: number };
}

/** The page 0 image a conversion makes, and the one every page gets in the background. */
export const BASE_VARIANT: VariantSpec = { type: 'png', scale: 1 };

/** The variant's name in `rendition_pages.variants` (`png@1`, `jpeg@1.5`, `thumb160x160.png`). */
export function variantName(spec: VariantSpec): string {
  return spec.thumbnail ? `thumb${spec.thumbnail.width}x${spec.thumbnail.height}.${spec.type}` : `${spec.type}@${spec.scale}`;
}

function variantType(spec: VariantSpec): string {
  return spec.thumbnail ? 'thumbnail' : spec.type;
}

export interface RenderStats {
  conversions: number;
  renders: number;
  renderMs: number[];
}

type Rendered = { data: Buffer; width: number; height: number };
type RenderedRendition = Pick<Rendition, 'id' | 'accountId' | 'kind' | 'pdfKey' | 'sourceKey' | 'pageCount'>;

/**
 * Makes a page's image variant, stores it in S3 under the rendition's prefix and records it on
 * the page. Two requests for the same variant at once render it once.
 */
export class PageVariants {
  private readonly inFlight = new Map<string, Promise<PageImage>>();

  constructor(
    private readonly repository: RenditionsRepository,
    private readonly storage: ObjectStorage,
    private readonly files: RenditionFiles,
    private readonly stats: RenderStats,
    private readonly renderer: PdfRenderer,
    private readonly options: { keyPrefix: string },
  ) {}

  /** S3 prefix of everything stored for this rendition. */
  prefix(rendition: Pick<Rendition, 'accountId' | 'id'>): string {
    return `${this.options.keyPrefix}/renditions/${rendition.accountId}/${rendition.id}`;
  }

  /** The variant being rendered right now by this replica, if it is. */
  inFlightRender(rendition: Pick<Rendition, 'id'>, page: number, spec: VariantSpec): Promise<PageImage> | undefined {
    return this.inFlight.get(`${rendition.id}/${page}/${variantName(spec)}`);
  }

  render(rendition: RenderedRendition, page: number, spec: VariantSpec): Promise<PageImage> {
    const name = `${rendition.id}/${page}/${variantName(spec)}`;
    const existing = this.inFlight.get(name);
    if (existing) return existing;
    const work = this.renderAndStore(rendition, page, spec).finally(() => this.inFlight.delete(name));
    this.inFlight.set(name, work);
    return work;
  }

  private async renderAndStore(rendition: RenderedRendition, page: number, spec: VariantSpec): Promise<PageImage> {
    const startedAt = Date.now();
    const { data, width, height } = await this.draw(rendition, page, spec);
    const contentType = spec.type === 'svg' ? 'image/svg+xml' : spec.type === 'png' ? 'image/png' : 'image/jpeg';
    const etag = createHash('sha256').update(data).digest('hex').slice(0, 32);
    const name = variantName(spec);
    const ext = spec.type === 'jpeg' ? 'jpg' : spec.type;
    const key = `${this.prefix(rendition)}/pages/${page}/${name.replace(/[^a-z0-9@.x-]/gi, '_')}.${ext}`;
    await this.storage.put(key, data, contentType);
    const stored = { key, etag, contentType, width, height };
    await this.repository.recordVariant(scopeOf(rendition), rendition.id, page, name, stored);
    this.stats.renders += 1;
    renderDuration().observe({ type: variantType(spec) }, (Date.now() - startedAt) / 1000);
    this.stats.renderMs.push(Date.now() - startedAt);
    if (this.stats.renderMs.length > 1000) this.stats.renderMs.shift();
    return { objectKey: key, contentType, etag, width, height };
  }

  private async draw(rendition: RenderedRendition, page: number, spec: VariantSpec): Promise<Rendered> {
    if (spec.type !== 'svg') return rendition.kind === 'image' ? this.drawImagePage(rendition, page, spec) : this.drawPdfPage(rendition, page, spec);
    if (rendition.kind === 'image') {
      // An image source as SVG: its PNG inside an <image>.
      const png = await this.drawImagePage(rendition, page, { type: 'png', scale: spec.scale });
      const { width, height } = png;
      const href = `data:image/png;base64,${png.data.toString('base64')}`;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><image width="${width}" height="${height}" xlink:href="${href}"/></svg>`;
      return { data: Buffer.from(svg), width, height };
    }
    const data = await this.renderer.svg(await this.files.pdf(rendition), page);
    const size = await this.pageSize(rendition, page);
    return { data, width: Math.round(size.width * spec.scale), height: Math.round(size.height * spec.scale) };
  }

  private async drawPdfPage(rendition: RenderedRendition, page: number, spec: VariantSpec): Promise<Rendered> {
    const type = spec.type as 'png' | 'jpeg';
    const pdf = await this.files.pdf(rendition);
    const pageCount = rendition.pageCount ?? undefined;
    if (!spec.thumbnail) return this.renderer.render(pdf, { page, dpi: Math.round(DEFAULT_RENDER.dpi * spec.scale), contentType: type }, pageCount);
    // A thumbnail: render small (no more pixels than needed) and fit inside W×H.
    const size = await this.pageSize(rendition, page);
    const fit = Math.min(spec.thumbnail.width / size.width, spec.thumbnail.height / size.height);
    const dpi = Math.max(10, Math.ceil(DEFAULT_RENDER.dpi * fit * 1.2));
    const base = await this.renderer.render(pdf, { page, dpi, contentType: 'png' }, pageCount);
    return fitThumbnail(base.data, type, spec.thumbnail);
  }

  private async drawImagePage(rendition: RenderedRendition, page: number, spec: VariantSpec): Promise<Rendered> {
    const type = spec.type as 'png' | 'jpeg';
    const source = await this.files.source(rendition);
    if (spec.thumbnail) return fitThumbnail(await sharp(source, { page }).png({ compressionLevel: 1 }).toBuffer(), type, spec.thumbnail);
    let image = sharp(source, { page }).rotate();
    if (spec.scale !== 1) {
      const meta = await sharp(source, { page }).metadata();
      image = image.resize(Math.max(1, Math.round((meta.width ?? 1) * spec.scale)));
    }
    const encoded = type === 'png' ? image.png({ compressionLevel: 1, adaptiveFiltering: false }) : image.flatten({ background: '#ffffff' }).jpeg({ quality: 85 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  }

  private async pageSize(rendition: RenderedRendition, page: number): Promise<{ width: number; height: number }> {
    const found = await this.repository.page(scopeOf(rendition), rendition.id, page);
    if (!found) throw new PageOutOfRangeError(page, rendition.pageCount ?? 0);
    return found;
  }
}

/** The account a rendition row belongs to: it carries its own (built from a row, never from input). */
export function scopeOf(rendition: Pick<Rendition, 'accountId'>): AccountScope {
  return { accountId: rendition.accountId };
}

async function fitThumbnail(input: Buffer, type: 'png' | 'jpeg', size: { width: number; height: number }): Promise<Rendered> {
  const image = sharp(input).resize(size.width, size.height, { fit: 'inside', withoutEnlargement: false });
  const encoded = type === 'png' ? image.png({ compressionLevel: 6 }) : image.flatten({ background: '#ffffff' }).jpeg({ quality: 80 });
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
