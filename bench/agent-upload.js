#!/usr/bin/env node
// `node bench/agent-upload.js`: the Word agent's save (POST /api-v3/report/external-edit/agent/{id},
// a 20 MB .docx + a 20 MB PDF) through gateway → staging → edit-session commit, against the SDK's
// multipart Upload of the same bytes straight to the same S3, in the same run. Sequential uploads;
// reports MB/s of each, the ratio, and the gateway's RSS before / peak / after. The saves are sent by
// curl (a lean separate process); the same saves sent with Node's fetch from this process, as the
// Word agent sends them, are reported as a reference. The floor: the same save (sent by curl) to a
// bare Node http server with no framework (bench/baseline/bare-agent-save.js: busboy, SDK `Upload`
// of each part while hashing it, answer), in the same run, interleaved pair by pair; printed as
// platform/SDK, floor/SDK and platform/floor ratios. A second floor (`floorUnsigned`) is the same
// bare server with the parts sent UNSIGNED-PAYLOAD, as the gateway's ObjectUpload sends them (the
// SDK's signer otherwise hashes every part once more over plain http).
// Options (env): BENCH_AGENT_UPLOADS (20), BENCH_AGENT_FILE_MB (20).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Upload } = require('@aws-sdk/lib-storage');
const { rssOf, rssSampler, cpuSeconds } = require('./lib/processes');
const { openStack } = require('./lib/stack');
const { docxOfSize, pdfOfSize } = require('./lib/docx');
const { login } = require('./lib/identity');
const { curlUpload } = require('./lib/curl');
const { dropObjects } = require('./lib/s3');

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
  const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const stack = await openStack('agent');
  const { env } = stack;
  try {
    await stack.start('identity');
    const editSession = await stack.start('edit-session');
    const gateway = await stack.start('gateway');
    const floorServer = await stack.script(path.join(__dirname, 'baseline/bare-agent-save.js'), {}, [env.S3_ENDPOINT, env.S3_BUCKET]);
    const pids = { bench: process.pid, gateway: gateway.pid, editSession: editSession.pid, floor: floorServer.pid, s3: stack.s3Pid };
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

    // The pairs on disk too, for curl.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-agent-bench-'));
    const onDisk = data.map((pair, i) => {
      const word = path.join(dir, `${i}.docx`);
      const pdf = path.join(dir, `${i}.pdf`);
      fs.writeFileSync(word, pair.word);
      fs.writeFileSync(pdf, pair.pdf);
      return { word, pdf };
    });
    const senders = {
      /** The specs' client style: curl, a separate lean process (bench/lib/curl.js). */
      curl: async (url, headers, i) => {
        const { status, body } = await curlUpload(url, {
          headers,
          files: [
            { field: 'word_file', path: onDisk[i].word, name: 'report.docx' },
            { field: 'pdf_file', path: onDisk[i].pdf, name: 'report.pdf', type: 'application/pdf' },
          ],
        });
        return { status, answer: JSON.parse(body) };
      },
      /** What the Word agent itself does: Node's fetch with a FormData body, from this process. */
      fetch: async (url, headers, i) => {
        const body = new FormData();
        body.append('word_file', new Blob([data[i].word]), 'report.docx');
        body.append('pdf_file', new Blob([data[i].pdf]), 'report.pdf');
        const response = await fetch(url, { method: 'POST', headers, body });
        return { status: response.status, answer: await response.json() };
      },
    };

    // Baseline: the SDK's multipart Upload of the same bytes to the same S3, same part size and queue.
    const s3 = stack.s3Client();
    const baselineUpload = async (i) => {
      for (const [kind, bytes] of [['docx', data[i].word], ['pdf', data[i].pdf]]) {
        await new Upload({ client: s3, params: { Bucket: env.S3_BUCKET, Key: `baseline/${i}.${kind}`, Body: bytes }, partSize: 5 * MB, queueSize: 4 }).done();
      }
    };

    // Interleaved, pair by pair: a save sent by curl, the same pair saved by fetch (as a new
    // version of another report, so nothing is deduplicated), then the SDK upload; so the three
    // see the same machine. Each client renews its session every 5 saves (spec rate limit).
    const totals = { curl: { ms: 0, cpu: {} }, fetch: { ms: 0, cpu: {} }, floor: { ms: 0, cpu: {} }, floorUnsigned: { ms: 0, cpu: {} }, baseline: { ms: 0, cpu: {} } };
    const sessions = {};
    const addCpu = (into, delta) => Object.entries(delta).forEach(([name, value]) => (into[name] = Math.round(((into[name] ?? 0) + value) * 100) / 100));
    const sampler = rssSampler(gateway.pid, 50);
    /** The gateway's RSS after each pair, to tell a warm-up from a leak. */
    const rssAfterEach = [];
    for (let i = 0; i < uploads; i += 1) {
      for (const client of ['curl', 'fetch']) {
        if (i % UPLOADS_PER_SESSION === 0) {
          if (sessions[client]) await call(gateway.url, token, 'PUT', `/${sessions[client].edit_id}`);
          const report = await call(gateway.url, token, 'POST', '/reports', { title: `bench ${client} ${i}` });
          sessions[client] = await call(gateway.url, token, 'POST', `/${report.id}`, { template_id: template.id, word_s3_filepath: template.word_s3_filepath });
        }
        const session = sessions[client];
        const headers = { authorization: `Bearer ${session.auth_token}`, 'x-is-external-edit-request': 'true' };
        const cpuBefore = cpuNow();
        const started = process.hrtime.bigint();
        const { status, answer } = await senders[client](`${gateway.url}${MOUNT}/agent/${session.edit_id}`, headers, i);
        totals[client].ms += Number(process.hrtime.bigint() - started) / 1e6;
        addCpu(totals[client].cpu, cpuSince(cpuBefore));
        if (status !== 200 || !answer.created) throw new Error(`upload ${i} (${client}): ${status} ${JSON.stringify(answer)}`);
      }
      for (const [floor, route] of [['floor', 'save'], ['floorUnsigned', 'unsigned']]) {
        const cpuBefore = cpuNow();
        const started = process.hrtime.bigint();
        const { status, answer } = await senders.curl(`${floorServer.info.url}/${route}/floor/${i}`, {}, i);
        totals[floor].ms += Number(process.hrtime.bigint() - started) / 1e6;
        addCpu(totals[floor].cpu, cpuSince(cpuBefore));
        if (status !== 200 || !answer.created) throw new Error(`upload ${i} (${floor}): ${status} ${JSON.stringify(answer)}`);
      }
      const cpuBefore = cpuNow();
      const started = process.hrtime.bigint();
      await baselineUpload(i);
      totals.baseline.ms += Number(process.hrtime.bigint() - started) / 1e6;
      addCpu(totals.baseline.cpu, cpuSince(cpuBefore));
      rssAfterEach.push(Math.round(rssOf(gateway.pid) / MB));
      // Untimed: what this pair stored, so the in-memory S3 server's heap does not grow run by run.
      await dropObjects(s3, env.S3_BUCKET, (key) => key.startsWith('baseline/') || key.startsWith('floor/') || /\/reports\/[^/]+\/versions\//.test(key));
    }
    const { before: rssBefore, peak: rssPeak, after: rssAfter } = sampler.stop();
    s3.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
    const quire = totals;
    const rss = { before: rssBefore, peak: rssPeak, after: rssAfter, rssAfterEach };
    const baselineMs = totals.baseline.ms;
    const baselineCpu = totals.baseline.cpu;

    const quireMBps = Math.round((totalMB / (quire.curl.ms / 1000)) * 10) / 10;
    const fetchMBps = Math.round((totalMB / (quire.fetch.ms / 1000)) * 10) / 10;
    const baselineMBps = Math.round((totalMB / (baselineMs / 1000)) * 10) / 10;
    const floorMBps = Math.round((totalMB / (totals.floor.ms / 1000)) * 10) / 10;
    const floorUnsignedMBps = Math.round((totalMB / (totals.floorUnsigned.ms / 1000)) * 10) / 10;
    const ratio2 = (a, b) => Math.round((a / b) * 100) / 100;
    const results = {
      when: new Date().toISOString(),
      machine: { cpus: require('node:os').cpus().length, node: process.version },
      uploads,
      fileMB: fileBytes / MB,
      quire: { client: 'curl', ms: Math.round(quire.curl.ms), MBps: quireMBps, perUploadMs: Math.round(quire.curl.ms / uploads), cpuSeconds: quire.curl.cpu },
      baseline: { ms: Math.round(baselineMs), MBps: baselineMBps, perUploadMs: Math.round(baselineMs / uploads), cpuSeconds: baselineCpu },
      floor: { client: 'curl', server: 'bare node http + busboy + SDK Upload + sha256', ms: Math.round(totals.floor.ms), MBps: floorMBps, perUploadMs: Math.round(totals.floor.ms / uploads), cpuSeconds: totals.floor.cpu },
      floorUnsigned: { client: 'curl', server: 'the same, parts sent UNSIGNED-PAYLOAD as the gateway sends them', ms: Math.round(totals.floorUnsigned.ms), MBps: floorUnsignedMBps, perUploadMs: Math.round(totals.floorUnsigned.ms / uploads), cpuSeconds: totals.floorUnsigned.cpu },
      ratio: ratio2(quireMBps, baselineMBps),
      ratios: { platformToSdk: ratio2(quireMBps, baselineMBps), floorToSdk: ratio2(floorMBps, baselineMBps), platformToFloor: ratio2(quireMBps, floorMBps), floorUnsignedToSdk: ratio2(floorUnsignedMBps, baselineMBps), platformToFloorUnsigned: ratio2(quireMBps, floorUnsignedMBps) },
      loadAverage: { start: loadAtStart, end: os.loadavg().map((l) => Math.round(l * 100) / 100) },
      reference: {
        client: 'fetch (as the Word agent sends)',
        ms: Math.round(quire.fetch.ms),
        MBps: fetchMBps,
        perUploadMs: Math.round(quire.fetch.ms / uploads),
        cpuSeconds: quire.fetch.cpu,
        ratio: Math.round((fetchMBps / baselineMBps) * 100) / 100,
      },
      gatewayRssMB: { before: Math.round(rss.before / MB), peak: Math.round(rss.peak / MB), after: Math.round(rss.after / MB), afterEach: rss.rssAfterEach.join(' ') },
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
