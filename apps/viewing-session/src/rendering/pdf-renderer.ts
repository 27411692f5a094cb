import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { PageOutOfRangeError, RenderError } from './errors';
import { ProcessRunner } from './process-runner';

export type PageImageType = 'png' | 'jpeg';

export interface RenderOptions {
  /** Pages count from 0, as in the viewer API. */
  page: number;
  dpi?: number;
  contentType: PageImageType;
}

export interface PageImage {
  data: Buffer;
  contentType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
}

/**
 * Renders PDF pages with poppler to raw pixels (PPM on stdout) and encodes them with sharp:
 * pdftoppm's own PNG encoder is ≈ 5× slower than the rendering itself (NOTES.md). The programs
 * run from the `ProcessRunner`'s helper, so their forks do not stall the service's event loop.
 */
export class PdfRenderer {
  constructor(
    private readonly runner: ProcessRunner,
    private readonly options: { timeoutMs: number; maxPixels?: number } = { timeoutMs: 30_000 },
  ) {}

  async pageCount(pdfPath: string): Promise<number> {
    const { stdout } = await this.runner.run('pdfinfo', [pdfPath], { timeoutMs: this.options.timeoutMs }).catch((error: Error) => {
      throw new RenderError('pdfinfo could not read the PDF', { reason: error.message.slice(0, 300) });
    });
    const match = /^Pages:\s+(\d+)/m.exec(stdout.toString('latin1'));
    if (!match) throw new RenderError('pdfinfo reported no page count');
    return Number(match[1]);
  }

  /** Each page's size in pixels at `dpi` (pdfinfo reports points; rotation applied). */
  async pageSizes(pdfPath: string, dpi: number): Promise<Array<{ width: number; height: number }>> {
    const { stdout } = await this.runner.run('pdfinfo', ['-f', '1', '-l', '100000', pdfPath], { timeoutMs: this.options.timeoutMs });
    const sizes = new Map<number, { width: number; height: number }>();
    const rotations = new Map<number, number>();
    for (const line of stdout.toString('latin1').split('\n')) {
      const size = /^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)/.exec(line);
      if (size) sizes.set(Number(size[1]), { width: Number(size[2]), height: Number(size[3]) });
      const rot = /^Page\s+(\d+) rot:\s+(\d+)/.exec(line);
      if (rot) rotations.set(Number(rot[1]), Number(rot[2]));
    }
    return [...sizes.entries()]
      .sort(([a], [b]) => a - b)
      .map(([page, pts]) => {
        const swap = (rotations.get(page) ?? 0) % 180 === 90;
        return { width: Math.ceil(((swap ? pts.height : pts.width) * dpi) / 72), height: Math.ceil(((swap ? pts.width : pts.height) * dpi) / 72) };
      });
  }

  async render(pdfPath: string, options: RenderOptions, pageCount?: number): Promise<PageImage> {
    const count = pageCount ?? (await this.pageCount(pdfPath));
    if (!Number.isInteger(options.page) || options.page < 0 || options.page >= count) throw new PageOutOfRangeError(options.page, count);
    const pageNumber = String(options.page + 1);
    const dpi = String(options.dpi ?? 96);
    const ppm = await this.capture(['-r', dpi, '-f', pageNumber, '-l', pageNumber], pdfPath);
    const pixels = parsePpm(ppm);
    const maxPixels = this.options.maxPixels ?? 100_000_000;
    if (pixels.width * pixels.height > maxPixels) throw new RenderError('The page is too large to render', { maxPixels });
    // sharp's libvips has no PPM loader: hand it the raw RGB pixels.
    const image = sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 3 } });
    const encoded =
      options.contentType === 'png'
        ? image.png({ compressionLevel: 1, adaptiveFiltering: false })
        : image.jpeg({ quality: 85, mozjpeg: false });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { data, contentType: options.contentType === 'png' ? 'image/png' : 'image/jpeg', width: info.width, height: info.height };
  }

  /** One page as SVG (pdftocairo writes it to the file it is given). */
  svg(pdfPath: string, page: number): Promise<Buffer> {
    const number = String(page + 1);
    return this.scratchOutput(pdfPath, 'svg', 'pdftocairo could not make the SVG', (out) =>
      this.runner.run('pdftocairo', ['-svg', '-f', number, '-l', number, pdfPath, out], { timeoutMs: this.options.timeoutMs }),
    );
  }

  /** `pdftotext -bbox-layout` of pages begin..end (from 0): XHTML with each word's box in points. */
  async textLayout(pdfPath: string, begin: number, end: number): Promise<string> {
    const { stdout } = await this.runner.run('pdftotext', ['-bbox-layout', '-f', String(begin + 1), '-l', String(end + 1), pdfPath, '-'], {
      timeoutMs: this.options.timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.toString('utf8');
  }

  /** One page as PPM pixels (pdftoppm's stdout, written to a file by the runner). */
  private capture(args: string[], pdfPath: string): Promise<Buffer> {
    return this.scratchOutput(pdfPath, 'ppm', 'pdftoppm failed', (out) =>
      this.runner.run('pdftoppm', [...args, pdfPath], { timeoutMs: this.options.timeoutMs, stdoutFile: out }),
    );
  }

  /** Runs `write` with a scratch file beside the PDF, answers what it wrote, removes it. */
  private async scratchOutput(pdfPath: string, extension: string, failure: string, write: (out: string) => Promise<unknown>): Promise<Buffer> {
    const out = path.join(path.dirname(pdfPath), `.page-${randomUUID()}.${extension}`);
    try {
      await write(out).catch((error: Error) => {
        throw new RenderError(failure, { reason: error.message.slice(0, 300) });
      });
      return await readFile(out);
    } finally {
      await rm(out, { force: true });
    }
  }
}

/** A binary PPM (P6, maxval 255) as pdftoppm writes it: header, then RGB bytes. */
function parsePpm(ppm: Buffer): { width: number; height: number; data: Buffer } {
  // Header: "P6", whitespace, width, whitespace, height, whitespace, maxval, one whitespace byte.
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 64).toString('latin1'));
  if (!header) throw new RenderError('pdftoppm wrote no PPM image');
  const width = Number(header[1]);
  const height = Number(header[2]);
  if (Number(header[3]) !== 255) throw new RenderError('Unexpected PPM depth', { maxval: Number(header[3]) });
  const data = ppm.subarray(header[0].length);
  if (data.length < width * height * 3) throw new RenderError('pdftoppm wrote a truncated image');
  return { width, height, data: data.subarray(0, width * height * 3) };
}
