#!/usr/bin/env node
// The cached viewing page as a viewer fetches it: GET /pas/Page/q/0?DocumentID=u{id} through the
// gateway (gateway → NATS → viewing-session → Postgres, then the object streamed from S3), all
// apps compiled and in their own processes, vs a bare Fastify answering the same bytes from
// memory. Target: p50 ≤ 20 ms and ≥ 0.5× the bare server's req/s (8 connections).
// `node bench/viewing-gateway.js [file.pdf]` (under flock /tmp/quire-bench.lock); bench/viewing.js
// runs it last. Options (env): BENCH_SECONDS (8), BENCH_CONNECTIONS (8).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { openStack } = require('./lib/stack');
const { login } = require('./lib/identity');
const { load } = require('./lib/load');

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

async function cachedPageThroughGateway(pdf) {
  const stack = await openStack('viewing');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-bench-viewing-gw-'));
  try {
    await Promise.all([stack.start('identity'), stack.start('viewing-session')]);
    const gateway = await stack.start('gateway');
    const { token } = await login(gateway.url, stack.env);
    const created = await fetch(`${gateway.url}/pas/ViewingSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ source: { type: 'upload', displayName: 'cached.pdf' } }),
    });
    const session = await created.json();
    if (created.status !== 200) throw new Error(`create session: ${created.status} ${JSON.stringify(session)}`);
    const id = session.viewingSessionId;
    const put = await fetch(`${gateway.url}/pas/ViewingSession/u${id}/SourceFile`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: pdf });
    if (put.status !== 200) throw new Error(`SourceFile: ${put.status} ${await put.text()}`);
    const url = `${gateway.url}/pas/Page/q/0?DocumentID=u${id}`;
    const deadline = Date.now() + 120_000;
    let page;
    for (;;) {
      const response = await fetch(url);
      if (response.status === 200) {
        page = Buffer.from(await response.arrayBuffer());
        break;
      }
      await response.arrayBuffer();
      if (Date.now() > deadline) throw new Error(`page 0 not ready: ${response.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const file = path.join(dir, 'page0.png');
    fs.writeFileSync(file, page);
    // Let the background renders of the other pages finish: the figure is the cached page alone.
    await waitIdle(stack.env.DATABASE_URL);
    const bare = await stack.script(path.join(__dirname, 'baseline/fastify-bytes.js'), { BYTES_FILE: file });
    // The floor: the same hops and reads with no framework (bare Fastify → NATS → bare pg responder).
    const floorEnv = { DATABASE_URL: stack.env.DATABASE_URL, SUBJECT: `bench${stack.id}.floor.page`, BYTES_FILE: file };
    await stack.script(path.join(__dirname, 'baseline/viewing-page-floor.js'), floorEnv, ['back']);
    const floorFront = await stack.script(path.join(__dirname, 'baseline/viewing-page-floor.js'), floorEnv, ['front']);
    const viaGateway = await load(url, { connections, durationSeconds: seconds });
    const baseline = await load(`${bare.info.url}/page`, { connections, durationSeconds: seconds });
    const floor = await load(`${floorFront.info.url}/page?DocumentID=u${id}`, { connections, durationSeconds: seconds });
    return {
      bytes: page.length,
      gateway: viaGateway,
      baseline,
      floor,
      ratio: round(viaGateway.requestsPerSecond / baseline.requestsPerSecond),
      floorRatio: round(floor.requestsPerSecond / baseline.requestsPerSecond),
      ofFloor: round(viaGateway.requestsPerSecond / floor.requestsPerSecond),
      target: { p50Ms: 20, ratio: 0.5 },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await stack.close();
  }
}

/** Until every page of every rendition has its default image (the background renders are done). */
async function waitIdle(databaseUrl) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { rows } = await client.query(`SELECT count(*)::int AS left FROM viewing.rendition_pages WHERE NOT ("variants" ? 'png@1')`);
      if (rows[0].left === 0 || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}

module.exports = { cachedPageThroughGateway };

if (require.main === module) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-bench-pdf-'));
  let pdf;
  if (process.argv[2]) pdf = fs.readFileSync(process.argv[2]);
  else {
    const { docxOf } = require('./lib/docx');
    fs.writeFileSync(path.join(dir, 'p.docx'), docxOf('A cached page of the viewing benchmark'));
    execFileSync('soffice', ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', 'pdf', '--outdir', dir, path.join(dir, 'p.docx')], { stdio: 'ignore' });
    pdf = fs.readFileSync(path.join(dir, 'p.pdf'));
  }
  cachedPageThroughGateway(pdf)
    .then((result) => {
      console.log(JSON.stringify(result, null, 2));
      console.log(`cached page through the gateway: ${result.gateway.requestsPerSecond} req/s p50 ${result.gateway.p50Ms} ms; bare Fastify ${result.baseline.requestsPerSecond} req/s p50 ${result.baseline.p50Ms} ms → ${result.ratio}× (target p50 ≤ 20 ms, ≥ 0.5×); floor (no framework, same hops and reads) ${result.floor.requestsPerSecond} req/s p50 ${result.floor.p50Ms} ms = ${result.floorRatio}× bare, Quire = ${result.ofFloor}× the floor`);
    })
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}
