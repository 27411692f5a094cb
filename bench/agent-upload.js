#!/usr/bin/env node
// `node bench/agent-upload.js`: the Word agent's save (POST /api-v3/report/external-edit/agent/{id},
// a 20 MB .docx + a 20 MB PDF) through gateway → staging → edit-session commit, against the SDK's
// multipart Upload of the same bytes straight to the same S3, in the same run. Sequential uploads;
// reports MB/s of each, the ratio, and the gateway's RSS before / peak / after.
// Options (env): BENCH_AGENT_UPLOADS (20), BENCH_AGENT_FILE_MB (20).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Upload } = require('@aws-sdk/lib-storage');
const { rssOf, rssSampler, cpuSeconds } = require('./lib/processes');
const { openStack } = require('./lib/stack');
const { docxOfSize, pdfOfSize } = require('./lib/docx');
const { login } = require('./lib/identity');

const uploads = Number(process.env.BENCH_AGENT_UPLOADS ?? 20);
const fileBytes = Number(process.env.BENCH_AGENT_FILE_MB ?? 20) * 1024 * 1024;
const MOUNT = '/api-v3/report/external-edit';
const MB = 1024 * 1024;
/** The spec allows 5 uploads a minute per session: a new session every 5 saves. */
const UPLOADS_PER_SESSION = 5;

async function call(gatewayUrl, token, method, route, body) {
  const response = await fetch(`${gatewayUrl}${MOUNT}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}) },
    body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Each save differs (else the second would be deduplicated): a fresh pair per upload. */
function pairs(count) {
  return Array.from({ length: count }, () => ({ word: docxOfSize(fileBytes), pdf: pdfOfSize(fileBytes) }));
}

async function main() {
  const stack = await openStack('agent');
  const { env } = stack;
  try {
    await stack.start('identity');
    const editSession = await stack.start('edit-session');
    const gateway = await stack.start('gateway');
    const pids = { bench: process.pid, gateway: gateway.pid, editSession: editSession.pid, s3: stack.s3Pid };
    const cpuNow = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
    const cpuSince = (before) => {
      const now = cpuNow();
      return Object.fromEntries(Object.keys(now).map((name) => [name, Math.round((now[name] - before[name]) * 100) / 100]));
    };

    const { token } = await login(gateway.url, env);
    const form = new FormData();
    form.append('name', 'bench');
    form.append('file', new Blob([docxOfSize(4096)]), 'template.docx');
    const template = await call(gateway.url, token, 'POST', '/templates', form);

    console.log(`preparing ${uploads} pairs of ${fileBytes / MB} MB .docx + ${fileBytes / MB} MB PDF`);
    const data = pairs(uploads);
    const totalMB = (uploads * 2 * fileBytes) / MB;

    // Quire: the agent route, sequential; the session is renewed every 5 saves (spec rate limit).
    const sampler = rssSampler(gateway.pid, 50);
    const quireCpuBefore = cpuNow();
    let session;
    let quireMs = 0;
    /** The gateway's RSS after each save, to tell a warm-up from a leak. */
    const rssAfterEach = [];
    for (let i = 0; i < uploads; i += 1) {
      if (i % UPLOADS_PER_SESSION === 0) {
        if (session) await call(gateway.url, token, 'PUT', `/${session.edit_id}`);
        const report = await call(gateway.url, token, 'POST', '/reports', { title: `bench ${i}` });
        session = await call(gateway.url, token, 'POST', `/${report.id}`, { template_id: template.id, word_s3_filepath: template.word_s3_filepath });
      }
      const body = new FormData();
      body.append('word_file', new Blob([data[i].word]), 'report.docx');
      body.append('pdf_file', new Blob([data[i].pdf]), 'report.pdf');
      const started = process.hrtime.bigint();
      const response = await fetch(`${gateway.url}${MOUNT}/agent/${session.edit_id}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.auth_token}`, 'x-is-external-edit-request': 'true' },
        body,
      });
      const answer = await response.json();
      quireMs += Number(process.hrtime.bigint() - started) / 1e6;
      if (response.status !== 200 || !answer.created) throw new Error(`upload ${i}: ${response.status} ${JSON.stringify(answer)}`);
      rssAfterEach.push(Math.round(rssOf(gateway.pid) / MB));
    }
    const { before: rssBefore, peak: rssPeak, after: rssAfter } = sampler.stop();
    // CPU seconds of each process over all saves (sessions, reports and renewals included).
    const quireCpu = cpuSince(quireCpuBefore);

    // Baseline: the SDK's multipart Upload of the same bytes to the same S3, same part size and queue.
    const client = stack.s3Client();
    const baselineCpuBefore = cpuNow();
    let baselineMs = 0;
    for (let i = 0; i < uploads; i += 1) {
      const started = process.hrtime.bigint();
      for (const [kind, bytes] of [['docx', data[i].word], ['pdf', data[i].pdf]]) {
        await new Upload({
          client,
          params: { Bucket: env.S3_BUCKET, Key: `baseline/${i}.${kind}`, Body: bytes },
          partSize: 5 * MB,
          queueSize: 4,
        }).done();
      }
      baselineMs += Number(process.hrtime.bigint() - started) / 1e6;
    }
    const baselineCpu = cpuSince(baselineCpuBefore);
    client.destroy();

    const quireMBps = Math.round((totalMB / (quireMs / 1000)) * 10) / 10;
    const baselineMBps = Math.round((totalMB / (baselineMs / 1000)) * 10) / 10;
    const results = {
      when: new Date().toISOString(),
      machine: { cpus: require('node:os').cpus().length, node: process.version },
      uploads,
      fileMB: fileBytes / MB,
      quire: { ms: Math.round(quireMs), MBps: quireMBps, perUploadMs: Math.round(quireMs / uploads), cpuSeconds: quireCpu },
      baseline: { ms: Math.round(baselineMs), MBps: baselineMBps, perUploadMs: Math.round(baselineMs / uploads), cpuSeconds: baselineCpu },
      ratio: Math.round((quireMBps / baselineMBps) * 100) / 100,
      gatewayRssMB: { before: Math.round(rssBefore / MB), peak: Math.round(rssPeak / MB), after: Math.round(rssAfter / MB), afterEach: rssAfterEach.join(' ') },
    };
    console.log(JSON.stringify(results, null, 2));
    fs.writeFileSync(path.join(__dirname, 'agent-upload.results.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await stack.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
