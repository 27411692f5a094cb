#!/usr/bin/env node
// Profiling aid (not a benchmark): where the milliseconds of a /files/view request go, one request
// at a time. Starts the files stack, uploads a 12 MP JPEG and a 50 MB object, and times each step
// the gateway and the file service take on their own (the view RPC straight over NATS, S3 reads /
// writes from this process, sharp) beside the full request, with the CPU seconds each process used.
//   node bench/profile-file-view.js        (PROFILE_RUNS, default 15)
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const { randomBytes, randomUUID } = require('node:crypto');
const { openStack } = require('./lib/stack');
const { login } = require('./lib/identity');

const runs = Number(process.env.PROFILE_RUNS ?? 15);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function timedMedian(label, work, before) {
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    if (before) await before();
    const started = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  console.log(`${label.padEnd(48)} median ${median(times).toFixed(2)} ms   min ${Math.min(...times).toFixed(2)} ms`);
  return median(times);
}

async function drain(body) {
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.length;
  return bytes;
}

async function main() {
  const stack = await openStack('profile');
  const { env } = stack;
  const sharp = require('sharp');
  const { GetObjectCommand, HeadObjectCommand, PutObjectCommand, DeleteObjectCommand, ListObjectsV2Command } = require('@aws-sdk/client-s3');
  const { connect, JSONCodec, headers } = require('nats');
  const s3 = stack.s3Client();
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  const codec = JSONCodec();
  let file;
  let gateway;
  try {
    await stack.start('identity');
    // PROFILE_CPU=file|gateway: that app runs with --cpu-prof (written to PROFILE_DIR on exit).
    const profiled = (name) => (process.env.PROFILE_CPU === name ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR ?? 'tmp/profile'}`] : []);
    file = await stack.start('file', {}, profiled('file'));
    gateway = await stack.start('gateway', {}, profiled('gateway'));
    const s3pid = fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .find((d) => {
        try {
          return fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('s3-server.mjs') && fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(process.pid);
        } catch {
          return false;
        }
      });
    const { token } = await login(gateway.url, env);
    const upload = async (name, bytes) => {
      const form = new FormData();
      form.append('file', new Blob([bytes]), name);
      form.append('meta.category', 'user_document');
      const r = await fetch(`${gateway.url}/api_v3/files`, { method: 'POST', headers: { 'x-apitoken': token }, body: form });
      return (await r.json()).data;
    };
    const small = await sharp(randomBytes(400 * 300 * 3), { raw: { width: 400, height: 300, channels: 3 } }).png().toBuffer();
    const jpeg = await sharp(small).resize(4000, 3000, { kernel: 'cubic' }).jpeg({ quality: 85 }).toBuffer();
    const photo = await upload('photo.jpg', jpeg);
    const url = `${photo.fullpath}&size=320x240`;
    const link = new URL(photo.fullpath);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: env.S3_BUCKET, Prefix: 'files/' }));
    const originalKey = listed.Contents.map((o) => o.Key).find((k) => k.endsWith(`/${photo.id}`));
    const accountId = originalKey.split('/')[1];
    const first = await fetch(url);
    const png = Buffer.from(await first.arrayBuffer());
    const sha = first.headers.get('etag').slice(1, 65);
    const variantKey = `variants/${accountId}/${sha}/320x240.png`;
    const dropVariant = () => s3.send(new DeleteObjectCommand({ Bucket: env.S3_BUCKET, Key: variantKey }));
    const rpc = async (render = false) => {
      const h = headers();
      h.set('x-request-id', randomUUID());
      const m = await nc.request(
        `${env.NATS_SUBJECT_PREFIX}svc.file.views.resolve`,
        codec.encode({ pattern: 'svc.file.views.resolve', data: { id: photo.id, authCode: link.searchParams.get('auth_code'), time: link.searchParams.get('time'), size: '320x240', ...(render ? { render } : {}) }, id: randomUUID() }),
        { timeout: 30_000, headers: h },
      );
      const reply = codec.decode(m.data);
      if (reply.err) throw new Error(JSON.stringify(reply.err));
      return reply.response;
    };
    const agent = new http.Agent({ keepAlive: true });
    const plainGet = (target) =>
      new Promise((resolve, reject) => {
        http.get(target, { agent }, (res) => drain(res).then(resolve, reject)).on('error', reject);
      });
    const cpu = () => ({ gateway: cpuSeconds(gateway.pid), file: cpuSeconds(file.pid), s3: cpuSeconds(s3pid), self: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 });
    const perRequest = async (label, work, before) => {
      const a = cpu();
      const ms = await timedMedian(label, work, before);
      const b = cpu();
      const parts = Object.keys(a).map((k) => `${k} ${(((b[k] - a[k]) / runs) * 1000).toFixed(1)}`);
      console.log(`${''.padEnd(48)} CPU ms/request: ${parts.join('  ')}`);
      return ms;
    };

    console.log(`variant PNG ${png.length} bytes, original ${jpeg.length} bytes`);
    if (process.env.PROFILE_ONLY === 'cached') {
      // Only cached requests (for a --cpu-prof of one app): PROFILE_RUNS view RPCs, then as many via the gateway.
      await perRequest('view RPC over NATS (cached)', () => rpc());
      await perRequest('gateway, http.get keep-alive (cached)', () => plainGet(url));
      await perRequest('gateway /health/live (plain Fastify route)', () => plainGet(`${gateway.url}/health/live`));
      await perRequest('gateway /files/view/x?time=1 (Nest route, 400)', () => plainGet(`${gateway.url}/files/view/x?time=1`));
      return;
    }
    console.log('--- cached variant ---');
    if (process.env.PROFILE_ONLY !== 'cold') {
    await perRequest('gateway, fetch (cached)', async () => drain((await fetch(url)).body));
    await perRequest('gateway, http.get keep-alive (cached)', () => plainGet(url));
    await perRequest('view RPC over NATS (cached)', () => rpc());
    await timedMedian('S3 HEAD variant', () => s3.send(new HeadObjectCommand({ Bucket: env.S3_BUCKET, Key: variantKey })));
    await timedMedian('S3 GET variant', async () => drain((await s3.send(new GetObjectCommand({ Bucket: env.S3_BUCKET, Key: variantKey }))).Body));
    await timedMedian('gateway /health/live (HTTP floor)', () => plainGet(`${gateway.url}/health/live`));
    }
    if (process.env.PROFILE_ONLY === 'cold') console.log('(cached part skipped)');
    console.log('--- cold variant ---');
    // Each cold request is for a fresh upload (as in the benchmark), so nothing is known of it yet.
    const fresh = [];
    for (let i = 0; i < runs; i += 1) {
      const bytes = await sharp(await sharp(randomBytes(400 * 300 * 3), { raw: { width: 400, height: 300, channels: 3 } }).png().toBuffer())
        .resize(4000, 3000, { kernel: 'cubic' })
        .jpeg({ quality: 85 })
        .toBuffer();
      fresh.push(`${(await upload(`fresh-${i}.jpg`, bytes)).fullpath}&size=320x240`);
    }
    const renders = async () => Number(/^quire_file_variant_renders_total(?:\{[^}]*\})? (\d+)/m.exec(await (await fetch(file.metricsUrl)).text())?.[1]);
    const rendersBefore = await renders();
    await perRequest('gateway, fetch (cold, fresh uploads)', async () => drain((await fetch(fresh.pop())).body));
    console.log(`${''.padEnd(48)} renders: ${(await renders()) - rendersBefore} for ${runs} cold requests`);
    await timedMedian('S3 GET original', async () => drain((await s3.send(new GetObjectCommand({ Bucket: env.S3_BUCKET, Key: originalKey }))).Body));
    await timedMedian('sharp metadata', () => sharp(jpeg, { limitInputPixels: false }).metadata());
    await perRequest('sharp render (as the bench baseline)', () =>
      sharp(jpeg, { limitInputPixels: 50_000_000 }).rotate().resize(320, 240, { fit: 'inside', withoutEnlargement: true }).png().toBuffer(),
    );
    await timedMedian('S3 PUT variant', () => s3.send(new PutObjectCommand({ Bucket: env.S3_BUCKET, Key: `${variantKey}.x`, Body: png, ContentType: 'image/png' })));
    if (process.env.PROFILE_DOWNLOAD !== '0') {
      console.log('--- 50 MB download ---');
      const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(50 * 1024 * 1024 - 9)]);
      const bigFile = await upload('big.pdf', big);
      const bigKey = `files/${accountId}/${bigFile.id}`;
      const { getSignedUrl } = require('@aws-sdk/s3-request-presigner');
      const presigned = await getSignedUrl(s3, new GetObjectCommand({ Bucket: env.S3_BUCKET, Key: bigKey }), { expiresIn: 300 });
      const saved = runs;
      await perRequest('50 MB via gateway (fetch)', async () => drain((await fetch(bigFile.fullpath)).body));
      await perRequest('50 MB presigned straight from S3 (fetch)', async () => drain((await fetch(presigned)).body));
      void saved;
    }
    // Lines an instrumented build writes to stderr (`TIMING ...`), if any.
    for (const app of [file, gateway]) {
      const lines = app.output().split('\n').filter((l) => l.startsWith('TIMING'));
      if (lines.length) console.log(`${app.name}:\n${lines.slice(-30).join('\n')}`);
    }
  } finally {
    await nc.close();
    s3.destroy();
    await stack.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
