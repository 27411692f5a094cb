'use strict';
// Benchmark (c): one big upload through the gateway's streaming pipeline (POST /api_v3/files:
// gateway → multipart upload to the reserved key → file service commit) against the SDK's multipart `Upload`
// of the same bytes straight to the same S3, in the same run; plus the gateway's RSS growth.
// The upload is sent by curl (the spec's client, a lean separate process); the same upload sent by
// Node's fetch from the bench process is printed as a reference row.
// Options (env): BENCH_UPLOAD_MB (200), BENCH_UPLOAD_RUNS (2: alternating, best of each).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { Upload } = require('@aws-sdk/lib-storage');
const { rssOf, rssSampler, cpuSeconds } = require('./lib/processes');
const { login, apiToken: apiTokenOf } = require('./lib/identity');
const { curlUpload } = require('./lib/curl');
const { dropObjects } = require('./lib/s3');

const MB = 1024 * 1024;
const RSS_TARGET_MB = 64;

/** A PDF-looking file (the file service takes the type from the bytes) of `size` bytes on disk. */
function writeFile(file, size) {
  const chunk = randomBytes(MB);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, Buffer.from('%PDF-1.7\n'));
    for (let written = 9; written < size; written += MB) fs.writeSync(fd, chunk, 0, Math.min(MB, size - written));
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs `work` while sampling a process's RSS every 20 ms: {result, before, peak}. */
async function withRss(pid, work) {
  const sampler = rssSampler(pid, 20);
  let result;
  try {
    result = await work();
  } catch (error) {
    sampler.stop();
    throw error;
  }
  const { before, peak } = sampler.stop();
  return { result, before, peak };
}

async function timed(work) {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** CPU seconds the whole machine has been busy (all cores, every process), from /proc/stat. */
function machineBusySeconds() {
  const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = fields[3] + fields[4];
  return (fields.slice(0, 8).reduce((sum, value) => sum + value, 0) - idle) / 100;
}

/**
 * CPU seconds each process in `pids` ({name: pid}) used while `work` ran, and `all`: what the
 * whole machine used (so `all` minus the sum is other load): {result, cpu}.
 */
async function withCpu(pids, work) {
  const usage = () => ({ ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)])), all: machineBusySeconds() });
  const before = usage();
  const result = await work();
  const after = usage();
  return { result, cpu: Object.fromEntries(Object.keys(after).map((name) => [name, round2(after[name] - before[name])])) };
}

const round2 = (n) => Math.round(n * 100) / 100;

/** The spec's own client (curl -F file=@... -F meta.category=...), a separate process. */
async function viaCurl(gatewayUrl, apiToken, file, name) {
  const { status, body } = await curlUpload(`${gatewayUrl}/api_v3/files`, {
    headers: { 'X-ApiToken': apiToken },
    files: [{ field: 'file', path: file, name, type: 'application/pdf' }],
    fields: { 'meta.category': 'user_document' },
  });
  if (status !== 200) throw new Error(`upload through the gateway (curl): ${status} ${body.slice(0, 300)}`);
}

/** The same upload sent by Node's fetch from this process (reference: a heavier client on the same cores). */
async function viaFetch(gatewayUrl, apiToken, file, name) {
  const form = new FormData();
  form.append('file', await fs.openAsBlob(file, { type: 'application/pdf' }), name);
  form.append('meta.category', 'user_document');
  const response = await fetch(`${gatewayUrl}/api_v3/files`, { method: 'POST', headers: { 'x-apitoken': apiToken }, body: form });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`upload through the gateway: ${response.status} ${body.slice(0, 300)}`);
}

async function direct(client, bucket, file) {
  await new Upload({
    client,
    params: { Bucket: bucket, Key: `bench/direct-${randomBytes(4).toString('hex')}.pdf`, Body: fs.createReadStream(file) },
    partSize: 5 * MB,
    queueSize: 4,
  }).done();
}

async function run({ stack, gateway, target }) {
  const { env } = stack;
  const sizeMB = Number(process.env.BENCH_UPLOAD_MB ?? 200);
  const runs = Number(process.env.BENCH_UPLOAD_RUNS ?? 2);
  const size = sizeMB * MB;
  console.log(`(c) ${sizeMB} MB upload through the pipeline vs the SDK's Upload`);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'quire-bench-')), 'big.pdf');
  const fileService = await stack.start('file', { FILE_MAX_BYTES_USER_DOCUMENT: String(size + MB) });
  try {
    writeFile(file, size);
    const apiToken = await apiTokenOf(gateway.url, await login(gateway.url, env));
    const s3 = stack.s3Client();
    const best = { curl: Infinity, fetch: Infinity, baseline: Infinity };
    let rssBefore = rssOf(gateway.pid);
    let rssPeak = rssBefore;
    const pids = { bench: process.pid, gateway: gateway.pid, file: fileService.pid, s3: stack.s3Pid };
    const cpu = { curl: [], baseline: [], fetch: [] };
    const clients = { curl: viaCurl, fetch: viaFetch };
    for (let i = 0; i < runs; i += 1) {
      // Alternating: Quire with curl (measured against the target), the SDK baseline, then Quire
      // with Node's fetch as the client (a reference: the client's own CPU shares the two cores).
      for (const client of ['curl', 'baseline', 'fetch']) {
        const work =
          client === 'baseline'
            ? () => direct(s3, env.S3_BUCKET, file)
            : () => clients[client](gateway.url, apiToken, file, `big-${client}-${i}.pdf`);
        const measured = await withRss(gateway.pid, () => withCpu(pids, () => timed(work)));
        best[client] = Math.min(best[client], measured.result.result);
        // Untimed: drop what was stored (the file's object and the baseline's), so the in-memory
        // S3 server's heap is the same for every measurement.
        await dropObjects(s3, env.S3_BUCKET, (key) => key.startsWith('bench/') || key.startsWith('files/'));
        cpu[client].push({ seconds: round2(measured.result.result), ...measured.result.cpu });
        if (client === 'baseline') continue;
        rssPeak = Math.max(rssPeak, measured.peak);
        if (i === 0 && client === 'curl') rssBefore = measured.before;
      }
    }
    console.log('(c) wall and CPU seconds per run (all = the whole machine):', JSON.stringify(cpu));
    const mbps = (seconds) => Math.round((sizeMB / seconds) * 10) / 10;
    const baselineMBps = mbps(best.baseline);
    const rssGrowthMB = Math.round((rssPeak - rssBefore) / MB);
    const row = (client, name, rowTarget) => {
      const quireMBps = mbps(best[client]);
      const ratio = Math.round((quireMBps / baselineMBps) * 100) / 100;
      return { name, quireMBps, baselineMBps, ratio, target: rowTarget, met: rowTarget === null ? null : ratio >= rowTarget };
    };
    return [
      {
        ...row('curl', `(c) ${sizeMB} MB upload: pipeline vs SDK Upload`, target),
        rssBeforeMB: Math.round(rssBefore / MB),
        rssPeakMB: Math.round(rssPeak / MB),
        rssGrowthMB,
        rssTargetMB: RSS_TARGET_MB,
        rssMet: rssGrowthMB < RSS_TARGET_MB,
        cpuSeconds: cpu,
      },
      row('fetch', "(c') same, Node fetch as the client", null),
    ];
  } finally {
    await fileService.stop();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

module.exports = { run };
