import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { PageOutOfRangeError, RenderError } from './errors';

const run = promisify(execFile);

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
 * pdftoppm's own PNG encoder is ≈ 5× slower than the rendering itself (NOTES.md).
 */
export class PdfRenderer {
  constructor(private readonly options: { timeoutMs: number; maxPixels?: number } = { timeoutMs: 30_000 }) {}

  async pageCount(pdfPath: string): Promise<number> {
    const { stdout } = await run('pdfinfo', [pdfPath], { timeout: this.options.timeoutMs }).catch((error: Error) => {
      throw new RenderError('pdfinfo could not read the PDF', { reason: error.message.slice(0, 300) });
    });
    const match = /^Pages:\s+(\d+)/m.exec(stdout);
    if (!match) throw new RenderError('pdfinfo reported no page count');
    return Number(match[1]);
  }

  async render(pdfPath: string, options: RenderOptions, pageCount?: number): Promise<PageImage> {
    const count = pageCount ?? (await this.pageCount(pdfPath));
    if (!Number.isInteger(options.page) || options.page < 0 || options.page >= count) throw new PageOutOfRangeError(options.page, count);
    const pageNumber = String(options.page + 1);
    const dpi = String(options.dpi ?? 96);
    const ppm = await this.capture('pdftoppm', ['-r', dpi, '-f', pageNumber, '-l', pageNumber, pdfPath]);
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

  /** Runs a program and collects its stdout as one buffer (one page of pixels). */
  private capture(command: string, args: string[]): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let errors = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), this.options.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-500)));
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new RenderError(`Cannot start ${command}`, { reason: error.message }));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const out = Buffer.concat(chunks);
        if (code !== 0 || out.length === 0) reject(new RenderError(`${command} failed`, { code, signal, reason: errors.trim() }));
        else resolve(out);
      });
    });
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
