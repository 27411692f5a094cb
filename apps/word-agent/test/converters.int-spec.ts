import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@quire/testing';
import { ColdConverter } from '../src/convert/cold-converter';
import { ConversionError } from '../src/convert/pdf-converter';
import { WarmConverter } from '../src/convert/warm-converter';
import { makeDocx } from './support/docx-fixture';

const run = promisify(execFile);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('LibreOffice converters (real soffice)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'word-agent-convert-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function docx(name: string, text: string): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, makeDocx(text));
    return file;
  }

  const pdfText = async (file: string) => (await run('pdftotext', [file, '-'])).stdout;

  it('cold: converts with a private profile and leaves nothing behind', async () => {
    const converter = new ColdConverter('soffice', path.join(dir, 'profile'), 60_000);
    const input = await docx('cold.docx', 'Cold conversion text');
    await converter.convert(input, path.join(dir, 'cold.pdf'));
    expect(await pdfText(path.join(dir, 'cold.pdf'))).toContain('Cold conversion text');
    await converter.close();
    expect((await readdir(dir)).sort()).toEqual(['cold.docx', 'cold.pdf']);
  });

  it('cold: a conversion that hangs is killed at the timeout (whole process group)', async () => {
    const fake = path.join(dir, 'hanging-soffice');
    const pidFile = path.join(dir, 'child.pid');
    // A wrapper that starts a child and hangs, like soffice → soffice.bin.
    await writeFile(fake, `#!/bin/sh\nsleep 600 &\necho $! > ${pidFile}\nwait\n`);
    await chmod(fake, 0o755);
    const converter = new ColdConverter(fake, path.join(dir, 'profile'), 1_000);
    const started = Date.now();
    await expect(converter.convert(await docx('hang.docx', 'x'), path.join(dir, 'hang.pdf'))).rejects.toThrow(ConversionError);
    expect(Date.now() - started).toBeLessThan(10_000);
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    await waitFor(() => !alive(grandchild), { timeoutMs: 5_000, description: 'the hanging child to be killed' });
    await expect(stat(path.join(dir, 'hang.pdf'))).rejects.toThrow();
  });

  it('warm: one LibreOffice converts several documents, one at a time, and quits on close', async () => {
    const converter = new WarmConverter('soffice', '/usr/bin/python3', path.join(dir, 'warm-profile'), 60_000);
    await converter.start();
    const inputs = await Promise.all([1, 2, 3].map((n) => docx(`warm-${n}.docx`, `Warm document number ${n}`)));
    // Three at once: the converter serialises them.
    await Promise.all(inputs.map((input, i) => converter.convert(input, path.join(dir, `warm-${i + 1}.pdf`))));
    for (const n of [1, 2, 3]) expect(await pdfText(path.join(dir, `warm-${n}.pdf`))).toContain(`Warm document number ${n}`);
    await converter.close();
    // No LibreOffice left running with this profile (pgrep exits 1 when nothing matches).
    await expect(run('pgrep', ['-f', path.join(dir, 'warm-profile')])).rejects.toMatchObject({ code: 1 });
    const left = await readdir(dir);
    expect(left.filter((name) => name.startsWith('warm-profile'))).toEqual([]);
  });

  it('warm: a Python without UNO fails to start with a clear error', async () => {
    const converter = new WarmConverter('soffice', path.join(dir, 'no-python'), path.join(dir, 'warm-profile'), 10_000);
    await expect(converter.start()).rejects.toThrow(/Warm LibreOffice did not start/);
    await converter.close();
  });
});
