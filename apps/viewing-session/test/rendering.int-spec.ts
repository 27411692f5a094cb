import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { buildDocx } from '@quire/testing';
import { ConverterBusyError, PageOutOfRangeError } from '../src/rendering/errors';
import { LibreOfficePool, LibreOfficePoolOptions } from '../src/rendering/libreoffice-pool';
import { PdfRenderer } from '../src/rendering/pdf-renderer';
import { ProcessRunner } from '../src/rendering/process-runner';

const run = promisify(execFile);

/** Share of pixels darker than mid-grey: a text page has some, a blank page none. */
async function inkRatio(image: Buffer): Promise<number> {
  const { data } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (const value of data) if (value < 128) dark += 1;
  return dark / data.length;
}

describe('LibreOfficePool + PdfRenderer (real soffice and poppler)', () => {
  let dir: string;
  const pools: LibreOfficePool[] = [];
  const runner = new ProcessRunner();
  const renderer = new PdfRenderer(runner, { timeoutMs: 30_000 });

  const pool = (overrides: Partial<LibreOfficePoolOptions> = {}) => {
    const created = new LibreOfficePool({
      sofficePath: 'soffice',
      pythonPath: '/usr/bin/python3',
      workDir: path.join(dir, `pool-${pools.length}`),
      size: 1,
      maxConversionsPerWorker: 50,
      timeoutMs: 90_000,
      maxQueue: 10,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir },
      ...overrides,
    });
    pools.push(created);
    return created;
  };
  const docx = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await writeFile(file, buildDocx(text));
    return file;
  };
  const pdfText = async (file: string) => (await run('pdftotext', [file, '-'])).stdout;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'viewing-render-'));
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((created) => created.close()));
    await rm(dir, { recursive: true, force: true });
  });
  afterAll(() => runner.close());

  it('converts a docx and renders page 0 as PNG and JPEG with ink on it', async () => {
    const converter = pool();
    const input = await docx('report.docx', 'Quarterly viewing report with enough words to show ink');
    const pdf = path.join(dir, 'report.pdf');
    await converter.convert(input, pdf);

    expect(await pdfText(pdf)).toContain('Quarterly viewing report');
    expect(await renderer.pageCount(pdf)).toBe(1);

    const png = await renderer.render(pdf, { page: 0, contentType: 'png' });
    expect(png.contentType).toBe('image/png');
    expect(png.data.subarray(1, 4).toString()).toBe('PNG');
    // A4 or Letter at 96 dpi: ≈ 794–816 px wide.
    expect(png.width).toBeGreaterThan(780);
    expect(png.width).toBeLessThan(830);
    const ink = await inkRatio(png.data);
    expect(ink).toBeGreaterThan(0.0005);
    expect(ink).toBeLessThan(0.2);

    const jpeg = await renderer.render(pdf, { page: 0, contentType: 'jpeg', dpi: 48 });
    expect(jpeg.data[0]).toBe(0xff);
    expect(jpeg.data[1]).toBe(0xd8);
    expect(jpeg.width).toBeLessThan(png.width / 1.5);
    expect(await inkRatio(jpeg.data)).toBeGreaterThan(0.0005);

    await expect(renderer.render(pdf, { page: 1, contentType: 'png' })).rejects.toBeInstanceOf(PageOutOfRangeError);
  });

  it('converts plain text and RTF too', async () => {
    const converter = pool();
    const txt = path.join(dir, 'notes.txt');
    await writeFile(txt, 'Plain text notes for the viewer\n');
    const rtf = path.join(dir, 'letter.rtf');
    await writeFile(rtf, '{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0 Rich text letter body\\par}');
    await converter.convert(txt, path.join(dir, 'notes.pdf'));
    await converter.convert(rtf, path.join(dir, 'letter.pdf'));
    expect(await pdfText(path.join(dir, 'notes.pdf'))).toContain('Plain text notes');
    expect(await pdfText(path.join(dir, 'letter.pdf'))).toContain('Rich text letter body');
  });

  it('replaces a worker killed under a job, and the job still completes', async () => {
    const converter = pool();
    await converter.warmUp();
    const [before] = converter.workerPids();
    expect(before).toBeDefined();
    const input = await docx('killed.docx', 'Survives a killed worker');
    const pdf = path.join(dir, 'killed.pdf');
    const conversion = converter.convert(input, pdf);
    process.kill(-before!, 'SIGKILL');
    await conversion;
    expect(await pdfText(pdf)).toContain('Survives a killed worker');
    const [after] = converter.workerPids();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });

  it('finishes 3 concurrent conversions on 2 workers and refuses work beyond the queue', async () => {
    const converter = pool({ size: 2, maxQueue: 1 });
    const inputs = await Promise.all([0, 1, 2].map((n) => docx(`c${n}.docx`, `Concurrent document number ${n}`)));
    const first = [0, 1, 2].slice(0, 3).map((n) => converter.convert(inputs[n]!, path.join(dir, `c${n}.pdf`)));
    // Two run, one waits: a fourth finds the queue full.
    await expect(converter.convert(inputs[0]!, path.join(dir, 'extra.pdf'))).rejects.toBeInstanceOf(ConverterBusyError);
    await Promise.all(first);
    for (const n of [0, 1, 2]) expect(await pdfText(path.join(dir, `c${n}.pdf`))).toContain(`Concurrent document number ${n}`);
  });

  it('restarts a worker after maxConversionsPerWorker', async () => {
    const converter = pool({ maxConversionsPerWorker: 1 });
    await converter.convert(await docx('r1.docx', 'First'), path.join(dir, 'r1.pdf'));
    expect(converter.workerPids()).toEqual([]);
    await converter.convert(await docx('r2.docx', 'Second'), path.join(dir, 'r2.pdf'));
    expect(await pdfText(path.join(dir, 'r2.pdf'))).toContain('Second');
  });
});
