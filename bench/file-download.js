#!/usr/bin/env node
// File benchmarks, each against its baseline in the same run (`node bench/file-download.js`):
//   (d) a 50 MB download through the gateway (/files/view link) vs the same object straight from
//       S3 (a presigned GET; both read with fetch, so the client side costs the same)
//   (e) a 320x240 PNG variant of a 12 MP JPEG: cold (rendered by the file service) vs the same
//       sharp pipeline run standalone on the same bytes, and cached (served from S3) vs cold
// Options (env): BENCH_DOWNLOAD_MB (50), BENCH_DOWNLOAD_RUNS (5), BENCH_VARIANT_IMAGES (5),
// BENCH_CACHED_RUNS (20). Results also go to bench/file-results.json.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { openStack } = require('./lib/stack');
const { login } = require('./lib/identity');

const downloadMb = Number(process.env.BENCH_DOWNLOAD_MB ?? 50);
const downloadRuns = Number(process.env.BENCH_DOWNLOAD_RUNS ?? 5);
const variantImages = Number(process.env.BENCH_VARIANT_IMAGES ?? 5);
const cachedRuns = Number(process.env.BENCH_CACHED_RUNS ?? 20);
const targets = { download: 0.8, cold: 0.8, cachedSpeedup: 10 };

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

async function timed(work) {
  const started = process.hrtime.bigint();
  const result = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

/** Reads a stream or a fetch body to the end; returns the byte count. */
async function drain(body) {
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.length;
  return bytes;
}

async function upload(gatewayUrl, token, name, bytes) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  form.append('meta.category', 'user_document');
  const response = await fetch(`${gatewayUrl}/api_v3/files`, { method: 'POST', headers: { 'x-apitoken': token }, body: form });
  if (response.status !== 200) throw new Error(`upload ${name}: ${response.status} ${await response.text()}`);
  return (await response.json()).data;
}

/** A 4000x3000 JPEG with smooth random content (a photo-like size, not a flat colour). */
async function twelveMegapixelJpeg(sharp) {
  const small = await sharp(randomBytes(400 * 300 * 3), { raw: { width: 400, height: 300, channels: 3 } }).png().toBuffer();
  return sharp(small).resize(4000, 3000, { kernel: 'cubic' }).jpeg({ quality: 85 }).toBuffer();
}

/** The file service's pipeline, run standalone on the same bytes. */
function standaloneVariant(sharp, bytes) {
  return sharp(bytes, { limitInputPixels: 50_000_000 }).rotate().resize(320, 240, { fit: 'inside', withoutEnlargement: true }).png().toBuffer();
}

async function main() {
  const stack = await openStack('files');
  const { env } = stack;
  const sharp = require('sharp');
  const { GetObjectCommand, ListObjectsV2Command } = require('@aws-sdk/client-s3');
  const { getSignedUrl } = require('@aws-sdk/s3-request-presigner');
  const s3 = stack.s3Client();
  try {
    await stack.start('identity');
    await stack.start('file');
    const gateway = await stack.start('gateway');
    const { token } = await login(gateway.url, env);
    const results = { machine: { cpus: require('node:os').cpus().length, node: process.version }, when: new Date().toISOString() };

    console.log(`(d) ${downloadMb} MB download: gateway view link vs a presigned GET straight from S3`);
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(downloadMb * 1024 * 1024 - 9)]);
    const file = await upload(gateway.url, token, 'big.pdf', big);
    // Stored under files/<account id>/<file id>: find it rather than assume the account's id.
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: env.S3_BUCKET, Prefix: 'files/' }));
    const key = (listed.Contents ?? []).map((o) => o.Key).find((k) => k.endsWith(`/${file.id}`));
    if (!key) throw new Error(`stored object of ${file.id} not found`);
    const viaGateway = [];
    const direct = [];
    // Alternating, after one warm-up each, so both see the same machine load.
    for (let run = 0; run <= downloadRuns; run += 1) {
      const g = await timed(async () => drain((await fetch(file.fullpath)).body));
      const presigned = await getSignedUrl(s3, new GetObjectCommand({ Bucket: env.S3_BUCKET, Key: key }), { expiresIn: 300 });
      const d = await timed(async () => drain((await fetch(presigned)).body));
      if (g.result !== big.length || d.result !== big.length) throw new Error('short download');
      if (run > 0) viaGateway.push(g.ms), direct.push(d.ms);
    }
    const mbps = (ms) => round(downloadMb / (ms / 1000), 1);
    results.download = {
      gatewayMBps: mbps(median(viaGateway)),
      s3MBps: mbps(median(direct)),
      ratio: round(median(direct) / median(viaGateway)),
      target: targets.download,
    };

    console.log(`(e) 320x240 variant of ${variantImages} distinct 12 MP JPEGs: cold vs standalone sharp, cached vs cold`);
    const cold = [];
    const standalone = [];
    const cached = [];
    await standaloneVariant(sharp, await twelveMegapixelJpeg(sharp)); // warm sharp in this process
    for (let i = 0; i < variantImages; i += 1) {
      const jpeg = await twelveMegapixelJpeg(sharp);
      const photo = await upload(gateway.url, token, `photo-${i}.jpg`, jpeg);
      const url = `${photo.fullpath}&size=320x240`;
      // Standalone first: work the stack does after answering (the variant's S3 PUT, the view
      // log) must not land in the baseline's time.
      standalone.push((await timed(() => standaloneVariant(sharp, jpeg))).ms);
      const c = await timed(async () => {
        const response = await fetch(url);
        if (response.status !== 200) throw new Error(`variant: ${response.status} ${await response.text()}`);
        return drain(response.body);
      });
      cold.push(c.ms);
      for (let run = 0; run < cachedRuns / variantImages; run += 1) cached.push((await timed(async () => drain((await fetch(url)).body))).ms);
    }
    results.variant = {
      coldMs: round(median(cold), 1),
      standaloneMs: round(median(standalone), 1),
      cachedMs: round(median(cached), 1),
      coldRatio: round(median(standalone) / median(cold)),
      cachedSpeedup: round(median(cold) / median(cached), 1),
      targets: { coldRatio: targets.cold, cachedSpeedup: targets.cachedSpeedup },
    };

    const d = results.download;
    const v = results.variant;
    console.log(
      [
        '',
        `(d) download ${downloadMb} MB   gateway ${d.gatewayMBps} MB/s   S3 direct ${d.s3MBps} MB/s   ratio ${d.ratio} (≥ ${d.target}) ${d.ratio >= d.target ? 'ok' : 'MISSED'}`,
        `(e) variant cold ${v.coldMs} ms   standalone sharp ${v.standaloneMs} ms   ratio ${v.coldRatio} (≥ ${targets.cold}) ${v.coldRatio >= targets.cold ? 'ok' : 'MISSED'}`,
        `(e) variant cached ${v.cachedMs} ms   ${v.cachedSpeedup}× faster than cold (≥ ${targets.cachedSpeedup}×) ${v.cachedSpeedup >= targets.cachedSpeedup ? 'ok' : 'MISSED'}`,
      ].join('\n'),
    );
    fs.writeFileSync(path.join(__dirname, 'file-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    s3.destroy();
    await stack.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
