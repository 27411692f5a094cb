/* eslint-disable */
// bench/viewing.js — one run, prints four ratios (run under flock /tmp/quire-bench.lock).
// Measures the Renditions API in-process (real Postgres, JetStream, S3 test server, LibreOffice,
// poppler); the cached page is fetched through the gateway of a compiled stack (bench/viewing-gateway.js).
const path = require('node:path');
const root = path.resolve(__dirname, '..');
require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json'), compilerOptions: { rootDir: root, module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' } });
require('tsconfig-paths').register({ baseUrl: root, paths: require(path.join(root, 'tsconfig.base.json')).compilerOptions.paths });
const { spawn, execFileSync } = require('node:child_process');
const { randomUUID, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const { createInterface } = require('node:readline');
const { connect } = require('nats');
const { S3Client, CreateBucketCommand } = require('@aws-sdk/client-s3');
const { ObjectStorage } = require('@quire/platform');
const { buildDocx, createMediumContext } = require('@quire/testing');
const { dropRunTemplates } = require(path.join(root, 'libs/testing/src/medium-templates'));
const { RenditionsRepository } = require(path.join(root, 'apps/viewing-session/src/renditions/renditions.repository'));
const { ViewingSessionEnv } = require(path.join(root, 'apps/viewing-session/src/viewing-session.env'));
const { viewingEntities } = require(path.join(root, 'apps/viewing-session/src/viewing-session.module'));
const { migrations } = require(path.join(root, 'apps/viewing-session/src/migrations'));
const { LibreOfficePool } = require(path.join(root, 'apps/viewing-session/src/rendering/libreoffice-pool'));
const { ConversionQueue } = require(path.join(root, 'apps/viewing-session/src/renditions/conversion-queue'));
const { RenditionsService } = require(path.join(root, 'apps/viewing-session/src/renditions/renditions.service'));
const { cachedPageThroughGateway } = require('./viewing-gateway');

const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const lines = (n, tag) => Array.from({ length: n * 46 }, (_, i) => `Line ${i + 1} ${tag} of the long viewing document`).join('\n');

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-viewing-'));
  const s3srv = spawn(process.execPath, [path.join(root, 'scripts/s3-server.mjs'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise((resolve) => createInterface({ input: s3srv.stdout }).once('line', (l) => resolve(JSON.parse(l).endpoint)));
  const s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 't', secretAccessKey: 't' } });
  const bucket = `bench-viewing-${randomBytes(3).toString('hex')}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const storage = new ObjectStorage(s3, bucket);
  // The service's repository as the app builds it (Nest module, TypeORM, transactions), on a
  // database cloned from a migrated template (this run's own: dropped at the end).
  process.env.QUIRE_TEST_RUN_ID = `bench${randomBytes(3).toString('hex')}`;
  const database = { schema: 'viewing', entities: viewingEntities, migrations };
  const env = Object.assign(new ViewingSessionEnv(), { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', DATABASE_POOL_SIZE: 4 });
  const context = await createMediumContext({ database, env, providers: [RenditionsRepository] });
  const repository = context.get(RenditionsRepository);
  const nats = await connect({ servers: 'nats://127.0.0.1:4222' });
  const replicas = [];
  async function replica(size) {
    const pool = new LibreOfficePool({ sofficePath: 'soffice', pythonPath: '/usr/bin/python3', workDir: path.join(dir, `pool-${replicas.length}`), size, maxConversionsPerWorker: 200, timeoutMs: 90000, maxQueue: 100, env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir } });
    const queue = new ConversionQueue(nats, { prefix: `b${randomBytes(3).toString('hex')}.`, largeFromBytes: 64 << 20, maxQueued: 500, ackWaitMs: 120000, maxDeliveries: 3, concurrency: { small: 2 * size, large: 1 } });
    await queue.setUp();
    const service = new RenditionsService(repository, storage, queue, { keyPrefix: 'viewing', workDir: path.join(dir, `r-${replicas.length}`), pool, timeoutMs: 90000, backgroundConcurrency: 1, retryAfterSeconds: 2 });
    await service.startWorkers();
    await pool.warmUp();
    replicas.push({ service, pool, queue });
    return service;
  }
  async function firstPage(service, name, bytes) {
    const scope = { accountId: randomUUID() };
    const key = `viewing/sources/${randomUUID()}/${name}`;
    const start = process.hrtime.bigint();
    await storage.put(key, bytes);
    const { renditionId } = await service.start(scope, { objectKey: key, sizeBytes: bytes.length, name });
    const image = await service.pageImage(scope, renditionId, 0, { contentType: 'png', waitMs: 120000 });
    return { ms: ms(start), scope, renditionId, image };
  }
  const two = await replica(2);
  const out = {};
  // Later pages render in the background after page 0: let them finish between phases so one
  // phase's leftovers do not slow the next (20-page documents leave 19 renders each).
  const settle = async () => {
    const deadline = Date.now() + 120000;
    const busy = (r) => r.service.background.pending > 0;
    while (replicas.some(busy) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  };

  // 1. 20-page docx, first page: Quire vs soffice --convert-to pdf + pdftoppm -png -f 1 -l 1
  const base1 = [], q1 = [];
  for (let i = 0; i < 3; i++) {
    const docx = buildDocx(lines(20, randomUUID()));
    const f = path.join(dir, `b${i}.docx`); fs.writeFileSync(f, docx);
    let s = process.hrtime.bigint();
    execFileSync('soffice', ['--headless', `-env:UserInstallation=file://${dir}/cold`, '--convert-to', 'pdf', '--outdir', dir, f], { stdio: 'ignore' });
    execFileSync('pdftoppm', ['-png', '-f', '1', '-l', '1', path.join(dir, `b${i}.pdf`), path.join(dir, `b${i}`)]);
    base1.push(ms(s));
    q1.push((await firstPage(two, 'doc20.docx', buildDocx(lines(20, randomUUID())))).ms);
  }
  await settle();
  out.docx20 = { quireMs: median(q1), baselineMs: median(base1), ratio: median(q1) / median(base1), target: '<= 0.65' };

  // 2. 20-page PDF, first page: Quire vs pdftoppm -png -f 1 -l 1
  const pdfPath = path.join(dir, 'b0.pdf');
  const base2 = [], q2 = [];
  for (let i = 0; i < 5; i++) {
    let s = process.hrtime.bigint();
    execFileSync('pdftoppm', ['-png', '-f', '1', '-l', '1', pdfPath, path.join(dir, 'p')]);
    base2.push(ms(s));
    // new bytes each time (a trailing comment keeps the PDF valid): nothing cached
    q2.push((await firstPage(two, 'doc20.pdf', Buffer.concat([fs.readFileSync(pdfPath), Buffer.from(`\n%${randomUUID()}\n`)]))).ms);
  }
  await settle();
  out.pdf20 = { quireMs: median(q2), baselineMs: median(base2), ratio: median(q2) / median(base2), target: '<= 0.5' };

  // 3. 1-page docx per minute: pool (2 workers) vs one cold soffice per document (2 in parallel)
  const N = 40;
  const docs = () => Array.from({ length: N }, (_, i) => buildDocx(`One page ${i} ${randomUUID()}`));
  let s = process.hrtime.bigint();
  await Promise.all(docs().map((d) => firstPage(two, 'one.docx', d)));
  const poolPerMin = N / (ms(s) / 60000);
  const cold = docs();
  s = process.hrtime.bigint();
  await Promise.all([0, 1].map(async (lane) => {
    for (let i = lane; i < 6; i += 2) {
      const f = path.join(dir, `c${i}.docx`); fs.writeFileSync(f, cold[i]);
      await new Promise((res) => spawn('soffice', ['--headless', `-env:UserInstallation=file://${dir}/cold${lane}`, '--convert-to', 'pdf', '--outdir', dir, f], { stdio: 'ignore' }).on('exit', res));
      execFileSync('pdftoppm', ['-png', '-f', '1', '-l', '1', path.join(dir, `c${i}.pdf`), path.join(dir, `c${i}`)]);
    }
  }));
  const coldPerMin = 6 / (ms(s) / 60000);
  const one = await replica(1);
  s = process.hrtime.bigint();
  await Promise.all(docs().map((d) => firstPage(one, 'one.docx', d)));
  const onePerMin = N / (ms(s) / 60000);
  await settle();
  out.conversions = { poolPerMin, coldPerMin, ratio: poolPerMin / coldPerMin, target: '>= 10' };
  out.workers = { twoPerMin: poolPerMin, onePerMin, ratio: poolPerMin / onePerMin, target: '>= 1.7' };

  const cachedPdf = fs.readFileSync(pdfPath);
  for (const r of replicas) { await r.service.stopWorkers(); await r.pool.close(); const jsm = await nats.jetstreamManager(); await jsm.streams.delete(r.queue.stream).catch(() => undefined); }
  await nats.drain(); await context.close(); await dropRunTemplates(); s3srv.kill(); fs.rmSync(dir, { recursive: true, force: true });

  // 4. cached page through the gateway (compiled apps, own processes) vs bare Fastify with the same bytes
  const page = await cachedPageThroughGateway(cachedPdf);
  out.cachedPage = {
    pageBytes: page.bytes, quireReqS: page.gateway.requestsPerSecond, quireP50Ms: page.gateway.p50Ms, bareReqS: page.baseline.requestsPerSecond, bareP50Ms: page.baseline.p50Ms,
    floorReqS: page.floor.requestsPerSecond, floorP50Ms: page.floor.p50Ms, ratio: page.ratio, floorRatio: page.floorRatio, ofFloor: page.ofFloor, target: 'p50 <= 20 ms, >= 0.5',
  };
  console.log(JSON.stringify(out, null, 2));
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
