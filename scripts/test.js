#!/usr/bin/env node
// `npm test`: lint (architecture rules included), typecheck, then every jest test (unit, and
// integration / end-to-end against the real Postgres, NATS and an S3-compatible server).
// Extra arguments go to jest. Jest's JSON report lands in tmp/jest-results.json; the last line
// printed is `tests: N passed, N failed[, N skipped]` (a failed lint or typecheck counts as one
// failure each), and the exit code is non-zero when anything failed.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
// The SDK's notice that releases after January 2027 need Node 22 is known (docs/adr/001-stack.md).
const env = { ...process.env, NX_DAEMON: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const jestArgs = process.argv.slice(2);

function run(title, command, args) {
  process.stdout.write(`\n=== ${title}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  const ok = result.status === 0;
  process.stdout.write(`=== ${title}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  return ok;
}

const steps = { machine: true, lint: true, typecheck: true };
// Debian packages (LibreOffice, poppler, kubectl, …) and local services the tests use.
if (process.env.QUIRE_SKIP_MACHINE_SETUP !== '1') steps.machine = run('machine', 'bash', [path.join(root, 'scripts/machine-setup.sh')]);
if (!jestArgs.length) {
  steps.lint = run('lint', bin('nx'), ['show', 'projects']) && run('lint', bin('eslint'), ['apps', 'libs', 'test']);
  steps.typecheck =
    run('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']) &&
    // The browser viewer has its own compiler settings (DOM, no Node types).
    run('typecheck viewer', bin('tsc'), ['-p', 'apps/gateway/viewer/tsconfig.json']);
}

const report = path.join(root, 'tmp', 'jest-results.json');
fs.mkdirSync(path.dirname(report), { recursive: true });
fs.rmSync(report, { force: true });
run('jest', bin('jest'), ['--ci', '--maxWorkers=2', '--json', `--outputFile=${report}`, ...jestArgs]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (fs.existsSync(report)) {
  const results = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
  skipped = results.numPendingTests + results.numTodoTests;
  if (!results.success && failed === 0) failed = 1;
} else {
  failed += 1;
}
for (const [step, ok] of Object.entries(steps)) {
  if (!ok) {
    failed += 1;
    process.stdout.write(`(${step} failed: counted as one failure)\n`);
  }
}
process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 ? 1 : 0);
