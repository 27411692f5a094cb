'use strict';
// What every benchmark run starts from: the apps built, a fresh database, an in-memory
// S3-compatible server and the settings all Quire processes of the run share. `close()` stops
// whatever the run started, newest first, and drops the database. With BENCH_PROFILE_DIR set, the
// app BENCH_PROFILE_APP (default gateway) runs with --cpu-prof and leaves its .cpuprofile there.
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { root, startScript, startApp } = require('./processes');
const { bootstrapEnv } = require('./identity');

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql) {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDb(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function openStack(label) {
  require(path.join(root, 'scripts/build.js')).build();
  const id = randomBytes(4).toString('hex');
  const dbName = `quire_bench_${label}_${id}`;
  await admin(`CREATE DATABASE "${dbName}"`);
  const running = [];
  const s3 = await startScript(path.join(root, 'scripts/s3-server.mjs'), {}, ['0']);
  running.push(s3);
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: withDb(adminUrl, dbName),
    NATS_SUBJECT_PREFIX: `bench${id}.`,
    S3_ENDPOINT: s3.info.endpoint,
    S3_BUCKET: `quire-bench-${id}`,
    S3_ACCESS_KEY_ID: 'bench',
    S3_SECRET_ACCESS_KEY: 'bench',
    JWT_SECRET: randomBytes(32).toString('hex'),
    FILE_LINK_SECRET: randomBytes(32).toString('hex'),
    RATE_LIMIT_PER_MINUTE: String(10_000_000),
    ...bootstrapEnv(id),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  return {
    id,
    env,
    /** The S3-compatible server's process id (for CPU and memory figures). */
    s3Pid: s3.pid,
    /** Starts a compiled app with the run's settings (plus `extraEnv`); stopped by close(). */
    async start(name, extraEnv = {}, execArgv = []) {
      const profileDir = process.env.BENCH_PROFILE_DIR;
      const profiled = profileDir && name === (process.env.BENCH_PROFILE_APP ?? 'gateway');
      const args = profiled ? [...execArgv, '--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : execArgv;
      const app = await startApp(name, { ...env, ...extraEnv }, args);
      running.push(app);
      return app;
    },
    /** A client of the run's S3 server, as the baselines use it (the SDK straight to S3). */
    s3Client() {
      const { S3Client } = require('@aws-sdk/client-s3');
      return new S3Client({
        region: 'us-east-1',
        endpoint: env.S3_ENDPOINT,
        forcePathStyle: true,
        credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
    },
    /** Starts a baseline script; stopped by close(). */
    async script(file, scriptEnv = {}, args = []) {
      const started = await startScript(file, scriptEnv, args);
      running.push(started);
      return started;
    },
    async close() {
      for (const process of running.reverse()) await process.stop();
      await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    },
  };
}

module.exports = { openStack };
