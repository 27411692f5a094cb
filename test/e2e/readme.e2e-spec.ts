import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, REPO_ROOT, TestDatabase, uniqueId } from '@quire/testing';
import { appPorts, launch, START_DEADLINE_MS, StartRun, urlOf, waitForOutput } from './support/npm-start';

/**
 * The README's runnable blocks — each ```bash block right after a `<!-- readme-test -->` line — run
 * as written, in order, in one `bash -euo pipefail` shell, against `npm start` (README, "First
 * requests"). A README whose commands stop working fails here.
 */

const MARKER = '<!-- readme-test -->';
const BLOCK_TIMEOUT_MS = 120_000;

interface ReadmeBlock {
  /** 1-based line of the block's first command in README.md. */
  line: number;
  text: string;
}

/** Every marked block of `markdown`; a marker not followed by a bash fence is an error. */
function runnableBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  lines.forEach((line, index) => {
    if (line.trim() !== MARKER) return;
    if (!/^```(bash|sh)\s*$/.test(lines[index + 1] ?? '')) throw new Error(`README.md line ${index + 1}: ${MARKER} must be followed by a \`\`\`bash fence`);
    const end = lines.findIndex((l, i) => i > index + 1 && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`README.md line ${index + 2}: the marked block is not closed`);
    blocks.push({ line: index + 3, text: lines.slice(index + 2, end).join('\n') });
  });
  return blocks;
}

/** One script: the harness (strict mode, curl failing on HTTP errors, where it failed), then each block. */
function scriptOf(blocks: ReadmeBlock[]): string {
  return [
    // -E: the ERR trap also fires inside functions (the curl below).
    'set -Eeuo pipefail',
    // As a reader sees it, plus: an HTTP error answer (>= 400) fails the command, body shown.
    'curl() { command curl --fail-with-body --show-error "$@"; }',
    `trap 'echo "::failed in the README block at line $README_BLOCK (script line $LINENO): $BASH_COMMAND" >&2' ERR`,
    ...blocks.flatMap((block) => [`README_BLOCK=${block.line}`, `echo "::block at README.md line ${block.line}"`, block.text]),
    'echo "::all blocks ran"',
  ].join('\n');
}

function runBash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), BLOCK_TIMEOUT_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('README.md runnable blocks', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const blocks = runnableBlocks(readme);

  it('finds the marked blocks: "First requests" first, none with a fixed gateway address', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const firstRequests = readme.indexOf('## First requests');
    expect(readme.indexOf(MARKER)).toBeGreaterThan(firstRequests);
    expect(readme.indexOf(MARKER)).toBeLessThan(readme.indexOf('\n## ', firstRequests + 1));
    expect(blocks[0]!.text).toContain('Q=${QUIRE_URL:-http://localhost:3000}');
    // The test's gateway is not on port 3000: a block must reach it through $Q.
    const fixed = blocks.filter((block) => block.text.replace('${QUIRE_URL:-http://localhost:3000}', '').includes('localhost:3000'));
    expect(fixed.map((block) => `README.md line ${block.line} names localhost:3000: use $Q`)).toEqual([]);
  });

  it('the harness fails a block on a failing command, an HTTP error and a false jq -e (and says where)', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-readme-'));
    const server = http.createServer((_, response) => response.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"NOT_FOUND"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const notFound = `http://127.0.0.1:${(server.address() as AddressInfo).port}/missing`;
    try {
      const env = { PATH: process.env.PATH ?? '', HOME: cwd };
      for (const failing of ['false', "echo '{\"a\": null}' | jq -e .a", `curl -s ${notFound}`, `X=$(curl -s ${notFound})`]) {
        const result = await runBash(scriptOf([{ line: 7, text: 'true' }, { line: 42, text: `${failing}\necho after` }]), cwd, env);
        expect([failing, result.code]).not.toEqual([failing, 0]);
        expect(result.stdout).not.toContain('after');
        expect(result.stderr).toContain('::failed in the README block at line 42');
      }
      // ...and an expected error, written as the README says, passes.
      const expected = await runBash(scriptOf([{ line: 9, text: `test "$(curl -s -o /dev/null -w '%{http_code}' ${notFound})" = 404` }]), cwd, env);
      expect(expected).toMatchObject({ code: 0, stdout: expect.stringContaining('::all blocks ran') });
    } finally {
      server.close();
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  describe('against npm start', () => {
    let database: TestDatabase;
    let run: StartRun | undefined;
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-readme-state-'));
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-readme-work-'));
    // The blocks run as a reader runs them from a checkout (`docs/examples/…`), but write their
    // scratch files into a directory of their own.
    fs.symlinkSync(path.join(REPO_ROOT, 'docs'), path.join(workDir, 'docs'));

    afterAll(async () => {
      await run?.cleanUp();
      await database?.drop();
      fs.rmSync(stateDir, { recursive: true, force: true });
      fs.rmSync(workDir, { recursive: true, force: true });
    });

    it(
      'every block runs as written and succeeds',
      async () => {
        database = await createTestDatabase('readme');
        const ports = await appPorts();
        run = launch({
          ...ports,
          DATABASE_URL: database.url,
          ...(process.env.TEST_NATS_URL ? { NATS_URL: process.env.TEST_NATS_URL } : {}),
          NATS_SUBJECT_PREFIX: `t${uniqueId()}.`,
          QUIRE_STATE_DIR: stateDir,
          LOG_LEVEL: 'warn',
        });
        await waitForOutput(run, /Quire is ready/);

        const result = await runBash(scriptOf(blocks), workDir, {
          PATH: process.env.PATH ?? '',
          HOME: workDir,
          QUIRE_URL: urlOf(ports, 'gateway'),
          QUIRE_STATE_DIR: stateDir,
        });
        const report = `exit ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
        expect({ code: result.code, report }).toEqual({ code: 0, report: expect.stringContaining('::all blocks ran') });
        for (const block of blocks) expect(result.stdout).toContain(`::block at README.md line ${block.line}`);
      },
      START_DEADLINE_MS + 2 * BLOCK_TIMEOUT_MS,
    );
  });
});
