import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@quire/testing';
import { makeDocx } from './support/docx-fixture';

const run = promisify(execFile);
const PACKAGE_DIR = path.join(REPO_ROOT, 'dist/apps/word-agent');

/**
 * The agent ships as `npm pack` of dist/apps/word-agent (ADR 007): the libs it imports must travel
 * inside that tarball, resolvable without the repo's dist/node_modules.
 */
describe('the packed Word agent', () => {
  let dir: string;
  let unpacked: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'word-agent-package-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: PACKAGE_DIR });
    const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
    await run('tar', ['-xzf', path.join(dir, filename), '-C', dir]);
    unpacked = path.join(dir, 'package');
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('bundles @quire/office and declares it a bundled dependency', async () => {
    const manifest = JSON.parse(await readFile(path.join(unpacked, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      bundleDependencies: string[];
    };
    expect(manifest.bundleDependencies).toEqual(['@quire/office']);
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@quire/office', 'yauzl']);
    const office = path.join(unpacked, 'node_modules/@quire/office');
    expect(JSON.parse(await readFile(path.join(office, 'package.json'), 'utf8'))).toMatchObject({ main: 'index.js' });
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
