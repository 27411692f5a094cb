#!/usr/bin/env node
// Reference for (d), not a target: a 50 MB object read straight from S3 (presigned, fetch) vs
// through a bare Node relay (bench/baseline/bare-relay.js: SDK GetObject piped, or http.get of
// the presigned URL piped), alternating, with the relay's CPU ms per download. Shows what one
// extra process costs on this machine, whatever the code. `node bench/relay-floor.js`
// (RELAY_RUNS, default 5; BENCH_DOWNLOAD_MB, default 50).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { startScript, root } = require('./lib/processes');

const runs = Number(process.env.RELAY_RUNS ?? 5);
const megabytes = Number(process.env.BENCH_DOWNLOAD_MB ?? 50);
const cpuSeconds = (pid) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

async function main() {
  const { S3Client, CreateBucketCommand, GetObjectCommand } = require('@aws-sdk/client-s3');
  const { Upload } = require('@aws-sdk/lib-storage');
  const { getSignedUrl } = require('@aws-sdk/s3-request-presigner');
  const started = [];
  try {
    const s3server = await startScript(path.join(root, 'scripts/s3-server.mjs'), {}, ['0']);
    started.push(s3server);
    const endpoint = s3server.info.endpoint;
    const s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'relay' }));
    const body = randomBytes(megabytes * 1024 * 1024);
    await new Upload({ client: s3, params: { Bucket: 'relay', Key: 'big', Body: body }, partSize: 8 * 1024 * 1024 }).done();
    const presigned = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'relay', Key: 'big' }), { expiresIn: 600 });
    const relay = await startScript(path.join(__dirname, 'baseline/bare-relay.js'), {}, [endpoint, 'relay', 'big', presigned]);
    started.push(relay);
    const modes = { direct: presigned, sdk: `${relay.info.url}/sdk`, plain: `${relay.info.url}/plain` };
    const times = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
    const cpu = Object.fromEntries(Object.keys(modes).map((m) => [m, 0]));
    for (let run = 0; run <= runs; run += 1) {
      for (const [mode, url] of Object.entries(modes)) {
        const before = cpuSeconds(relay.pid);
        const t = performance.now();
        let bytes = 0;
        for await (const chunk of (await fetch(url)).body) bytes += chunk.length;
        const ms = performance.now() - t;
        if (bytes !== body.length) throw new Error(`short read (${mode})`);
        if (run > 0) times[mode].push(ms), (cpu[mode] += cpuSeconds(relay.pid) - before);
      }
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const direct = median(times.direct);
    for (const mode of Object.keys(modes)) {
      const ms = median(times[mode]);
      console.log(
        `${mode.padEnd(7)} ${(megabytes / (ms / 1000)).toFixed(0).padStart(5)} MB/s   ratio ${(direct / ms).toFixed(2)}   relay CPU ${((cpu[mode] / runs) * 1000).toFixed(0)} ms per download`,
      );
    }
    s3.destroy();
  } finally {
    for (const process of started.reverse()) await process.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
