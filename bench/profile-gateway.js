#!/usr/bin/env node
// Profiling aid (not a benchmark): starts identity and the gateway, one of them (PROFILE_APP,
// default gateway) with --cpu-prof, loads one gateway URL with autocannon as the bench admin,
// prints the CPU seconds each process used, stops, and leaves the .cpuprofile in PROFILE_DIR
// (default tmp/profile). Open it in Chrome DevTools.
//   node bench/profile-gateway.js [path, default /rest/ng/_ping]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execSync } = require('node:child_process');
const { root, cpuSeconds } = require('./lib/processes');
const { load } = require('./lib/load');
const { login } = require('./lib/identity');
const { openStack } = require('./lib/stack');

const pidsOf = (pattern) => execSync(`pgrep -f '${pattern}' || true`).toString().split('\n').filter(Boolean);

async function main() {
  const dir = path.resolve(process.env.PROFILE_DIR ?? path.join(root, 'tmp/profile'));
  fs.mkdirSync(dir, { recursive: true });
  const stack = await openStack('profile');
  try {
    const profiled = (name) => ((process.env.PROFILE_APP ?? 'gateway') === name ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []);
    const identity = await stack.start('identity', {}, profiled('identity'));
    const gateway = await stack.start('gateway', {}, profiled('gateway'));
    const { token } = await login(gateway.url, stack.env);
    const usage = () => ({
      gateway: cpuSeconds(gateway.pid),
      identity: cpuSeconds(identity.pid),
      nats: pidsOf('nats-server').reduce((sum, pid) => sum + cpuSeconds(pid), 0),
      postgres: pidsOf('postgres').reduce((sum, pid) => sum + cpuSeconds(pid), 0),
      bench: cpuSeconds(process.pid),
    });
    const before = usage();
    const target = process.argv[2] ?? '/rest/ng/_ping';
    const result = await load(`${gateway.url}${target}`, {
      connections: 32,
      durationSeconds: Number(process.env.BENCH_DURATION_SECONDS ?? 5),
      headers: { 'x-os-api-token': token },
    });
    const after = usage();
    console.log(JSON.stringify(result));
    console.log('CPU seconds during the load:', Object.fromEntries(Object.keys(after).map((k) => [k, Math.round((after[k] - before[k]) * 100) / 100])));
  } finally {
    await stack.close();
  }
  console.log(`profile in ${dir}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
