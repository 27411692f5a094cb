#!/usr/bin/env node
// Profiling aid (not a benchmark): starts identity + the gateway with --cpu-prof, loads one
// gateway URL with autocannon, stops, and leaves the .cpuprofile in PROFILE_DIR (default tmp/profile).
//   node bench/profile-gateway.js [path] [header=value ...]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { root, startScript, startApp } = require('./lib/processes');
const { load } = require('./lib/load');

async function main() {
  require(path.join(root, 'scripts/build.js')).build();
  const id = randomBytes(4).toString('hex');
  const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `quire_prof_${id}`;
  const admin = async (sql) => {
    const c = new Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  await admin(`CREATE DATABASE "${dbName}"`);
  const dir = path.resolve(process.env.PROFILE_DIR ?? path.join(root, 'tmp/profile'));
  fs.mkdirSync(dir, { recursive: true });
  const stopping = [];
  try {
    const s3 = await startScript(path.join(root, 'scripts/s3-server.mjs'), {}, ['0']);
    stopping.push(s3);
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: adminUrl.replace(/\/postgres$/, `/${dbName}`),
      NATS_SUBJECT_PREFIX: `prof${id}.`,
      S3_ENDPOINT: s3.info.endpoint,
      S3_BUCKET: `quire-prof-${id}`,
      S3_ACCESS_KEY_ID: 'x',
      S3_SECRET_ACCESS_KEY: 'x',
      JWT_SECRET: randomBytes(32).toString('hex'),
      RATE_LIMIT_PER_MINUTE: String(10_000_000),
      IDENTITY_BOOTSTRAP_ACCOUNT_CODE: 'prof',
      IDENTITY_BOOTSTRAP_ADMIN_LOGIN: 'prof',
      IDENTITY_BOOTSTRAP_ADMIN_PASSWORD: `Prof-${id}-1`,
    };
    const profiled = (name) => (process.env.PROFILE_APP ?? 'gateway') === name ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
    stopping.push(await startApp('identity', env, profiled('identity')));
    const gateway = await startApp('gateway', env, profiled('gateway'));
    stopping.push(gateway);
    const login = await fetch(`${gateway.url}/rest/ng/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginName: env.IDENTITY_BOOTSTRAP_ADMIN_LOGIN, password: env.IDENTITY_BOOTSTRAP_ADMIN_PASSWORD }),
    });
    const { token } = await login.json();
    const target = process.argv[2] ?? '/rest/ng/_ping';
    const headers = { 'x-os-api-token': token };
    const ticks = () => {
      const out = {};
      const read = (pid) => { try { const f = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); } catch { return 0; } };
      const pids = (pattern) => require('node:child_process').execSync(`pgrep -f '${pattern}' || true`).toString().split('\n').filter(Boolean);
      out.gateway = read(gateway.pid);
      out.identity = read(stopping[1].pid);
      out.nats = pids('nats-server').reduce((a, p) => a + read(p), 0);
      out.postgres = pids('postgres').reduce((a, p) => a + read(p), 0);
      out.bench = read(process.pid);
      return out;
    };
    const before = ticks();
    const result = await load(`${gateway.url}${target}`, { connections: 32, durationSeconds: Number(process.env.BENCH_DURATION_SECONDS ?? 5), headers });
    const after = ticks();
    console.log(JSON.stringify(result));
    console.log('CPU seconds during the load:', Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] - before[k]) / 100])));
  } finally {
    for (const p of stopping.reverse()) await p.stop();
    await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
  console.log(`profile in ${dir}`);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
