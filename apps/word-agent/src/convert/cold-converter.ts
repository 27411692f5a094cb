import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConversionError, PdfConverter, SerialRunner } from './pdf-converter';
import { HEADLESS_FLAGS, killGroup, profileArgument, spawnGroup } from './soffice-process';

/** One `soffice --convert-to pdf` per document (≈ 1.2 s, most of it LibreOffice starting). */
export class ColdConverter implements PdfConverter {
  readonly kind = 'cold' as const;
  private readonly serial = new SerialRunner();

  constructor(
    private readonly sofficePath: string,
    private readonly profileDir: string,
    private readonly timeoutMs: number,
  ) {}

  convert(docxPath: string, pdfPath: string): Promise<void> {
    return this.serial.run(() => this.convertNow(docxPath, pdfPath));
  }

  async close(): Promise<void> {
    await fs.rm(this.profileDir, { recursive: true, force: true });
  }

  private async convertNow(docxPath: string, pdfPath: string): Promise<void> {
    const outDir = await fs.mkdtemp(path.join(path.dirname(pdfPath), '.convert-'));
    try {
      const args = [...HEADLESS_FLAGS, profileArgument(this.profileDir), '--convert-to', 'pdf:writer_pdf_Export', '--outdir', outDir, docxPath];
      const child = spawnGroup(this.sofficePath, args, outDir);
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
      child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          killGroup(child);
          reject(new ConversionError(`LibreOffice did not finish within ${this.timeoutMs} ms`));
        }, this.timeoutMs);
        child.once('error', (error) => {
          clearTimeout(timer);
          reject(new ConversionError(`Cannot start LibreOffice (${this.sofficePath}): ${error.message}`));
        });
        child.once('exit', (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
      });
      const produced = path.join(outDir, `${path.parse(docxPath).name}.pdf`);
      const stat = await fs.stat(produced).catch(() => undefined);
      if (code !== 0 || !stat || stat.size === 0) throw new ConversionError(`LibreOffice failed (exit ${code}): ${output.trim()}`);
      await fs.rename(produced, pdfPath);
    } finally {
      await fs.rm(outDir, { recursive: true, force: true });
    }
  }
}
