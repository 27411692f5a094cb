#!/usr/bin/env node
// `npm run bench`: each Quire path and its baseline measured in the same run, on this machine,
// with the ratio Quire / baseline. Results are printed and written to bench/results.json.
//   (a) gateway GET /health/live            vs bare Fastify hello
//   (b) gateway → NATS → service → Postgres  vs bare Fastify + pg, same SQL
//   (c) upload through the gateway pipeline  vs the SDK's multipart Upload to the same S3
// Options (env): BENCH_DURATION_SECONDS (8), BENCH_CONNECTIONS (32), BENCH_UPLOAD_MB (200),
// BENCH_ONLY (which of a,b,c to run, e.g. `BENCH_ONLY=c`; default all three), BENCH_PROFILE_DIR
// (CPU profile of the gateway, see lib/stack.js).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { load } = require('./lib/load');
const { login } = require('./lib/identity');
const { openStack } = require('./lib/stack');

const durationSeconds = Number(process.env.BENCH_DURATION_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const targets = { a: 0.8, b: 0.5, c: 0.8 };
const only = new Set((process.env.BENCH_ONLY ?? 'a,b,c').split(',').map((part) => part.trim().toLowerCase()));

function row(name, quire, baseline, target) {
  const ratio = quire.requestsPerSecond / baseline.requestsPerSecond;
  return { name, quire, baseline, ratio: Math.round(ratio * 100) / 100, target, met: target === null ? null : ratio >= target };
}

function print(results) {
  const lines = ['', 'benchmark                               quire req/s  p50/p99 ms   baseline req/s  p50/p99 ms   ratio  target'];
  for (const r of results.http) {
    lines.push(
      `${r.name.padEnd(40)}${String(r.quire.requestsPerSecond).padStart(11)}  ${`${r.quire.p50Ms}/${r.quire.p99Ms}`.padEnd(11)}` +
        `${String(r.baseline.requestsPerSecond).padStart(15)}  ${`${r.baseline.p50Ms}/${r.baseline.p99Ms}`.padEnd(11)}` +
        `${r.ratio.toFixed(2).padStart(6)}  ${r.target === null ? '(reference)' : `≥ ${r.target} ${r.met ? 'ok' : 'MISSED'}`}`,
    );
  }
  for (const u of results.upload ?? []) {
    lines.push(
      `${u.name.padEnd(40)}${`${u.quireMBps} MB/s`.padStart(11)}  ${''.padEnd(11)}${`${u.baselineMBps} MB/s`.padStart(15)}  ${''.padEnd(11)}` +
        `${u.ratio.toFixed(2).padStart(6)}  ${u.target === null ? '(reference)' : `≥ ${u.target} ${u.met ? 'ok' : 'MISSED'}`}` +
        (u.rssGrowthMB !== undefined ? `   gateway RSS growth ${u.rssGrowthMB} MB (< ${u.rssTargetMB}) ${u.rssMet ? 'ok' : 'MISSED'}` : ''),
    );
  }
  console.log(lines.join('\n'));
}

async function main() {
  const stack = await openStack('run');
  const { env, id } = stack;
  try {
    await stack.start('identity');
    const gateway = await stack.start('gateway');
    const results = { machine: { cpus: require('node:os').cpus().length, node: process.version }, when: new Date().toISOString(), http: [] };
    const options = { connections, durationSeconds };

    if (only.has('a')) {
      const hello = await stack.script(path.join(__dirname, 'baseline/fastify-hello.js'));
      console.log('(a) gateway hello vs bare Fastify hello');
      const aQuire = await load(`${gateway.url}/health/live`, options);
      const aBase = await load(`${hello.info.url}/hello`, options);
      results.http.push(row('(a) hello: gateway vs bare Fastify', aQuire, aBase, targets.a));
    }

    if (only.has('b')) {
      const pgBaseline = await stack.script(path.join(__dirname, 'baseline/fastify-pg.js'), { DATABASE_URL: env.DATABASE_URL, SCHEMA: 'identity' });
      // A real login: the gateway resolves it through identity once, then from its cache.
      const { token } = await login(gateway.url, env);
      console.log('(b) gateway → NATS → identity → Postgres vs Fastify + pg');
      const bQuire = await load(`${gateway.url}/rest/ng/_ping`, { ...options, headers: { 'x-os-api-token': token } });
      const bBase = await load(`${pgBaseline.info.url}/ping`, options);
      results.http.push(row('(b) one-row read: via NATS vs Fastify+pg', bQuire, bBase, targets.b));

      // Not a target: the same two hops with no framework (bare Fastify → NATS → bare responder + pg).
      const floorEnv = { DATABASE_URL: env.DATABASE_URL, SCHEMA: 'identity', SUBJECT: `bench${id}.floor.ping` };
      await stack.script(path.join(__dirname, 'baseline/fastify-nats-pg.js'), floorEnv, ['back']);
      const floorFront = await stack.script(path.join(__dirname, 'baseline/fastify-nats-pg.js'), floorEnv, ['front']);
      const bFloor = await load(`${floorFront.info.url}/ping`, options);
      results.http.push(row("(b') floor: no framework, same hops", bFloor, bBase, null));
    }

    if (only.has('c')) {
      const upload = require('./upload');
      results.upload = await upload.run({ stack, gateway, target: targets.c });
    }

    print(results);
    fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await stack.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
