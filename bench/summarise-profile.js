#!/usr/bin/env node
// Summarises a .cpuprofile (from bench/profile-gateway.js or BENCH_PROFILE_DIR): the functions with
// the most self time, as a share of the profile and, given the number of requests served while it
// was recorded, in µs per request — compare two profiles (e.g. the gateway and a bare Fastify
// under the same load) function by function.
//   node bench/summarise-profile.js <file.cpuprofile> [requests] [top=30]
'use strict';
const fs = require('node:fs');

const [file, requestsArg, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/summarise-profile.js <file.cpuprofile> [requests] [top=30]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const requests = Number(requestsArg) || 0;
const top = Number(topArg) || 30;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfTime = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const micros = profile.timeDeltas[i] ?? 0;
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const where = url.split('/node_modules/').pop().split('/').slice(-2).join('/');
  const key = `${functionName || '(anonymous)'} ${where}:${lineNumber}`;
  selfTime.set(key, (selfTime.get(key) ?? 0) + micros);
  total += micros;
});
const idle = selfTime.get('(idle) :-1') ?? 0;
console.log(`profile ${(total / 1e6).toFixed(1)} s, busy ${((total - idle) / 1e6).toFixed(1)} s` + (requests ? `, busy ${((total - idle) / requests).toFixed(1)} µs per request` : ''));
for (const [key, micros] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const perRequest = requests ? `${(micros / requests).toFixed(2).padStart(8)} µs  ` : '';
  console.log(`${((100 * micros) / total).toFixed(1).padStart(5)} %  ${perRequest}${key}`);
}
