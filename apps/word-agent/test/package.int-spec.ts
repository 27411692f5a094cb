import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { packAgent } from './support/agent-package';
import { makeDocx } from './support/docx-fixture';

const run = promisify(execFile);

/**
 * The agent ships as `npm pack` of dist/apps/word-agent (ADR 007): the libs and packages it imports
 * travel inside that tarball, resolvable without the repo's node_modules (installing it with no
 * registry: installed-package.e2e-spec.ts).
 */
describe('the packed Word agent', () => {
  let dir: string;
  let unpacked: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'word-agent-package-'));
    await run('tar', ['-xzf', packAgent(dir), '-C', dir]);
    unpacked = path.join(dir, 'package');
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('carries every dependency: @quire/office, yauzl and what yauzl needs (pend), all declared bundled', async () => {
    const manifest = JSON.parse(await readFile(path.join(unpacked, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      bundleDependencies: string[];
    };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@quire/office', 'yauzl']);
    expect([...manifest.bundleDependencies].sort()).toEqual(['@quire/office', 'yauzl']);
    const office = path.join(unpacked, 'node_modules/@quire/office');
    expect(JSON.parse(await readFile(path.join(office, 'package.json'), 'utf8'))).toMatchObject({ main: 'index.js' });
    const yauzl = JSON.parse(await readFile(path.join(unpacked, 'node_modules/yauzl/package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
    expect(yauzl.version).toBe(manifest.dependencies.yauzl);
    for (const name of Object.keys(yauzl.dependencies)) await expect(readFile(path.join(unpacked, 'node_modules', name, 'package.json'))).resolves.toBeDefined();
  });

  it('converts with the warm converter from the unpacked tree alone (real LibreOffice)', async () => {
    const input = path.join(dir, 'report.docx');
    await writeFile(input, makeDocx('Packed agent text'));
    const output = path.join(dir, 'report.pdf');
    const script = `
      const { WarmConverter } = require('./src/convert/warm-converter.js');
      const converter = new WarmConverter('soffice', '/usr/bin/python3', ${JSON.stringify(path.join(dir, 'profile'))}, 60000);
      converter.convert(${JSON.stringify(input)}, ${JSON.stringify(output)})
        .then(() => converter.close())
        .then(() => console.log(require.resolve('@quire/office', { paths: [process.cwd() + '/src/convert'] })));
    `;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: unpacked, timeout: 90_000 });
    expect(stdout.trim()).toBe(path.join(unpacked, 'node_modules/@quire/office/index.js'));
    expect((await run('pdftotext', [output, '-'])).stdout).toContain('Packed agent text');
  }, 120_000);
});
