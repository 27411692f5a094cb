#!/usr/bin/env node
// `node bench/word-agent.js`: the Word agent's time from a save to upload-complete, with a warm
// LibreOffice (one kept running, UNO) vs a cold `soffice --convert-to` per save, in the same run,
// against a local HTTP server implementing the agent route. Two agents (one per converter) watch
// their own session; saves alternate between them, one at a time, so they never compete.
// Options (env): BENCH_SAVES (8 per converter and document), BENCH_PAGES (1,20).
// Agent timings used: QUIRE_AGENT_DEBOUNCE_MS=100, QUIRE_AGENT_STABLE_MS=200 (defaults 300 / 500).
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { root, waitFor } = require('./lib/processes');

const saves = Number(process.env.BENCH_SAVES ?? 8);
const pageCounts = (process.env.BENCH_PAGES ?? '1,20').split(',').map(Number);
const agentMain = path.join(root, 'dist/apps/word-agent/src/main.js');
const LINES_PER_PAGE = 46;

function token(sessionId) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ typ: 'edit-session', session_id: sessionId, iss: 'quire', exp })}.c2ln`;
}

/** Real LibreOffice-made .docx files, one per revision: text files converted in one soffice run. */
function makeDocxFiles(dir, pages, count) {
  const inputs = [];
  for (let i = 0; i < count; i++) {
    const lines = [`Revision ${i} of a ${pages}-page report`];
    for (let l = 1; l < pages * LINES_PER_PAGE; l++) lines.push(`Line ${l}: findings are described here in a sentence of ordinary length, revision ${i}.`);
    const file = path.join(dir, `p${pages}-r${i}.txt`);
    fs.writeFileSync(file, lines.join('\n'));
    inputs.push(file);
  }
  const profile = pathToFileURL(path.join(dir, 'lo-profile')).href;
  execFileSync('soffice', ['--headless', '--norestore', `-env:UserInstallation=${profile}`, '--convert-to', 'docx:MS Word 2007 XML', '--outdir', dir, ...inputs], {
    stdio: 'ignore',
  });
  return inputs.map((file) => file.replace(/\.txt$/, '.docx'));
}

/** The agent route: records when each upload has fully arrived. */
function startServer(template) {
  const arrivals = [];
  const server = http.createServer((request, response) => {
    if (request.method === 'GET') {
      response.writeHead(200);
      return response.end(template.current);
    }
    let bytes = 0;
    request.on('data', (chunk) => (bytes += chunk.length));
    request.on('end', () => {
      arrivals.push({ editId: request.url.split('/').pop(), at: performance.now(), bytes });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'ok', word_s3_path: 's3://b/w', pdf_s3_path: 's3://b/p' }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, arrivals, url: `http://127.0.0.1:${server.address().port}` })));
}

function startAgent(editId, converter, serverUrl, stateDir) {
  const link = `winword://${token(`s-${editId}`)}^${editId}^${serverUrl}/t/report.docx?X-Amz-Signature=x`;
  const child = spawn(process.execPath, [agentMain, 'open', link, '--no-open', '--server', serverUrl], {
    env: { ...process.env, QUIRE_AGENT_STATE_DIR: stateDir, QUIRE_AGENT_CONFIG: path.join(stateDir, 'none.json'), QUIRE_AGENT_CONVERTER: converter, QUIRE_AGENT_DEBOUNCE_MS: '100', QUIRE_AGENT_STABLE_MS: '200' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return { editId, converter, child, output: () => output, document: path.join(stateDir, 'sessions', editId, 'report.docx'), stateDir };
}

/** Word's way: temp file, rename the old one aside, rename the temp over it. */
function wordStyleSave(document, content) {
  const dir = path.dirname(document);
  fs.writeFileSync(path.join(dir, '~WRL0001.tmp'), content);
  fs.renameSync(document, path.join(dir, '~WRL0002.tmp'));
  fs.renameSync(path.join(dir, '~WRL0001.tmp'), document);
  fs.rmSync(path.join(dir, '~WRL0002.tmp'));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
};
const p90 = (values) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.9) - 1)];

function convertTimes(stateDir) {
  const log = fs.readFileSync(path.join(stateDir, 'agent.log'), 'utf8');
  return [...log.matchAll(/version queued \{[^}]*"convertMs":(\d+)/g)].map((m) => Number(m[1]));
}

async function measure(pages, work) {
  const docs = makeDocxFiles(work, pages, 2 * saves + 3);
  const template = { current: fs.readFileSync(docs[0]) };
  const { server, arrivals, url } = await startServer(template);
  const agents = ['warm', 'cold'].map((converter, i) => startAgent(`${pages}0${i}`, converter, url, path.join(work, `state-${pages}-${converter}`)));
  try {
    for (const agent of agents) await waitFor(async () => agent.output().includes('Watching'), 30_000, `${agent.converter} agent`);
    const timings = { warm: [], cold: [] };
    let next = 1;
    for (let round = -1; round < saves; round++) {
      for (const agent of agents) {
        const content = fs.readFileSync(docs[next++]);
        const before = arrivals.length;
        const t0 = performance.now();
        wordStyleSave(agent.document, content);
        await waitFor(async () => arrivals.length > before, 120_000, `${agent.converter} upload`);
        // Round -1 is a warm-up (the warm converter may still be starting LibreOffice).
        if (round >= 0) timings[agent.converter].push(arrivals[arrivals.length - 1].at - t0);
      }
    }
    return agents.map((agent) => {
      const convert = convertTimes(agent.stateDir).slice(1);
      return { pages, converter: agent.converter, saves, saveToUploadMs: { p50: Math.round(median(timings[agent.converter])), p90: Math.round(p90(timings[agent.converter])) }, convertMs: { p50: median(convert), p90: p90(convert) } };
    });
  } finally {
    for (const agent of agents) {
      agent.child.kill('SIGTERM');
      await new Promise((resolve) => (agent.child.exitCode !== null ? resolve() : agent.child.once('exit', resolve)));
    }
    server.close();
  }
}

async function main() {
  require(path.join(root, 'scripts/build.js')).build();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-word-agent-'));
  const results = [];
  try {
    for (const pages of pageCounts) results.push(...(await measure(pages, work)));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log('\npages  converter  saves  save→upload p50 / p90 ms  convert p50 / p90 ms');
  for (const r of results) {
    console.log(`${String(r.pages).padStart(5)}  ${r.converter.padEnd(9)}  ${String(r.saves).padStart(5)}  ${`${r.saveToUploadMs.p50} / ${r.saveToUploadMs.p90}`.padStart(24)}  ${`${r.convertMs.p50} / ${r.convertMs.p90}`.padStart(19)}`);
  }
  for (const pages of pageCounts) {
    const [warm, cold] = ['warm', 'cold'].map((c) => results.find((r) => r.pages === pages && r.converter === c));
    console.log(`${pages} page(s): warm is ${(cold.saveToUploadMs.p50 / warm.saveToUploadMs.p50).toFixed(1)}× faster save→upload (p50)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
