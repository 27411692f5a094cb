#!/usr/bin/env node
// Document repository benchmarks, each against its baseline in the same run (`node bench/docrepo.js`,
// under `flock /tmp/quire-bench.lock`):
//   (1) GET page 100 (pageSize 100) of a project with 10,000 documents through the gateway
//       (gateway → NATS → document-repository → Postgres) vs bare Fastify + pg running the same
//       two statements; target ≥ 0.5× the baseline's req/s.
//   (2) a 100 MB document upload through the gateway's pipeline (curl, POST …/documents) vs the
//       SDK's `Upload` of the same file straight to S3; target ≥ 0.8×, gateway RSS growth < 64 MB.
// Options (env): BENCH_DOCS (10000), BENCH_UPLOAD_MB (100), BENCH_UPLOAD_RUNS (2), BENCH_SECONDS (8).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { Upload } = require('@aws-sdk/lib-storage');
const { openStack } = require('./lib/stack');
const { login, apiToken: apiTokenOf } = require('./lib/identity');
const { load } = require('./lib/load');
const { curlUpload } = require('./lib/curl');
const { rssSampler } = require('./lib/processes');

const MB = 1024 * 1024;
const docs = Number(process.env.BENCH_DOCS ?? 10_000);
const uploadMb = Number(process.env.BENCH_UPLOAD_MB ?? 100);
const uploadRuns = Number(process.env.BENCH_UPLOAD_RUNS ?? 2);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

async function timed(work) {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** 10,000 documents with one version each, written in one statement pair (the list reads them, nothing else). */
async function seed(databaseUrl, projectId) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT account_id, created_by FROM docrepo.projects WHERE id = $1`, [projectId]);
    const { account_id: accountId, created_by: userId } = rows[0];
    await client.query('BEGIN');
    await client.query(`CREATE TEMP TABLE seed ON COMMIT DROP AS SELECT i, gen_random_uuid() AS d, gen_random_uuid() AS v FROM generate_series(1, $1::int) i`, [docs]);
    await client.query(
      `INSERT INTO docrepo.documents (id, account_id, project_id, name, content_type, current_version_id, current_sha256, created_by, created_at, updated_at)
       SELECT d, $1, $2, 'document-' || i || '.pdf', 'application/pdf', v, encode(sha256(i::text::bytea), 'hex'), $3,
              now() - ($4::int - i) * interval '1 second', now() - ($4::int - i) * interval '1 second' FROM seed`,
      [accountId, projectId, userId, docs],
    );
    await client.query(
      `INSERT INTO docrepo.document_versions (id, account_id, document_id, number, s3_key, size, sha256, content_type, uploaded_by)
       SELECT v, $1, d, 1, 'docrepo/bench/' || d, 1000 + i, encode(sha256(i::text::bytea), 'hex'), 'application/pdf', $2 FROM seed`,
      [accountId, userId],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE docrepo.documents; ANALYZE docrepo.document_versions');
    return accountId;
  } finally {
    await client.end();
  }
}

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

async function main() {
  const stack = await openStack('docrepo');
  const results = {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-bench-docrepo-'));
  try {
    await Promise.all([stack.start('identity'), stack.start('document-repository')]);
    const gateway = await stack.start('gateway');
    const session = await login(gateway.url, stack.env);
    const token = await apiTokenOf(gateway.url, session);
    // The API token's own limit (default 50 / min) would end the load run at once.
    const db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    await db.query(`UPDATE identity.api_tokens SET rate_limit_per_minute = 100000000`);
    await db.end();
    const headers = { 'x-api-token': token, 'content-type': 'application/json' };
    const created = await fetch(`${gateway.url}/api/v1/projects`, { method: 'POST', headers, body: JSON.stringify({ name: 'Bench' }) });
    const project = await created.json();
    if (created.status !== 201) throw new Error(`create project: ${created.status} ${JSON.stringify(project)}`);
    const accountId = await seed(stack.env.DATABASE_URL, project.id);

    // (1) list page 100 of 10,000 documents
    const baseline = await stack.script(path.join(__dirname, 'baseline/fastify-pg-docrepo-page.js'), { DATABASE_URL: stack.env.DATABASE_URL, ACCOUNT_ID: accountId, PROJECT_ID: project.id });
    const query = 'page=100&pageSize=100';
    const check = await (await fetch(`${gateway.url}/api/v1/projects/${project.id}/documents?${query}`, { headers: { 'x-api-token': token } })).json();
    if (check.items?.length !== 100 || check.total !== docs) throw new Error(`list check: ${JSON.stringify(check).slice(0, 300)}`);
    const viaGateway = await load(`${gateway.url}/api/v1/projects/${project.id}/documents?${query}`, { headers: { 'x-api-token': token }, durationSeconds: seconds });
    const bare = await load(`${baseline.info.url}/documents?${query}`, { durationSeconds: seconds });
    results.list = { gateway: viaGateway, baseline: bare, ratio: round(viaGateway.requestsPerSecond / bare.requestsPerSecond), target: 0.5 };
    console.log(`list page 100 × 100 of ${docs}: gateway ${viaGateway.requestsPerSecond} req/s (p50 ${viaGateway.p50Ms} ms, p99 ${viaGateway.p99Ms} ms), bare Fastify+pg ${bare.requestsPerSecond} req/s → ${results.list.ratio}× (target ≥ 0.5×)`);

    // (2) 100 MB upload
    const file = path.join(dir, 'big.pdf');
    writeFile(file, uploadMb * MB);
    const s3 = stack.s3Client();
    let best = { gateway: Infinity, sdk: Infinity, rssGrowthMb: 0 };
    for (let run = 0; run < uploadRuns; run++) {
      const sampler = rssSampler(gateway.pid, 20);
      const gatewaySeconds = await timed(async () => {
        const { status, body } = await curlUpload(`${gateway.url}/api/v1/projects/${project.id}/documents`, { headers: { 'X-Api-Token': token }, files: [{ field: 'file', path: file, name: `big-${run}.pdf`, type: 'application/pdf' }] });
        if (status !== 201) throw new Error(`upload through the gateway: ${status} ${body.slice(0, 300)}`);
      });
      const { before, peak } = sampler.stop();
      const sdkSeconds = await timed(() =>
        new Upload({ client: s3, params: { Bucket: stack.env.S3_BUCKET, Key: `bench/direct-${run}.pdf`, Body: fs.createReadStream(file) }, partSize: 5 * MB, queueSize: 4 }).done(),
      );
      best = { gateway: Math.min(best.gateway, gatewaySeconds), sdk: Math.min(best.sdk, sdkSeconds), rssGrowthMb: Math.max(best.rssGrowthMb, (peak - before) / MB) };
    }
    results.upload = {
      sizeMb: uploadMb,
      gatewayMBps: round(uploadMb / best.gateway, 1),
      sdkMBps: round(uploadMb / best.sdk, 1),
      ratio: round(best.sdk / best.gateway),
      gatewayRssGrowthMb: round(best.rssGrowthMb, 1),
      target: { ratio: 0.8, rssGrowthMb: 64 },
    };
    console.log(`upload ${uploadMb} MB: gateway ${results.upload.gatewayMBps} MB/s, SDK Upload ${results.upload.sdkMBps} MB/s → ${results.upload.ratio}× (target ≥ 0.8×); gateway RSS growth ${results.upload.gatewayRssGrowthMb} MB (target < 64)`);
    fs.writeFileSync(path.join(__dirname, 'docrepo-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await stack.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
