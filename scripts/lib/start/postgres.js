'use strict';
// Postgres for `npm start`: the one DATABASE_URL names, else one on 127.0.0.1:5432, else a local
// one started from the installed binaries (data in <state>/pg, kept between runs).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');
const { freePort, redact, tcpReachable, waitFor } = require('./net');
const { findExecutable, isExecutable, runToEnd, searchPath, systemUser } = require('./executables');
const { StartError } = require('./settings');

// The machine's Postgres, found on its default port; the database is the checkout's own (below).
const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const CONNECT_TIMEOUT_MS = 3000;
// A Unix socket path longer than this (108 bytes on Linux, with `.s.PGSQL.<port>`) is refused.
const MAX_SOCKET_DIR_LENGTH = 90;

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * `quire_<checkout folder>_<hash of the state dir>`: on a Postgres that several checkouts share,
 * each gets a database of its own, paired with its state dir (its S3 objects, its admin password),
 * so two clones never meet each other's rows (docs/adr/015). DATABASE_URL overrides it.
 */
function checkoutDatabaseName(settings) {
  const folder = path.basename(settings.repoRoot).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 24);
  const hash = crypto.createHash('sha256').update(settings.stateDir).digest('hex').slice(0, 8);
  return `quire_${folder || 'checkout'}_${hash}`;
}

/** The database `npm start` uses on the machine's Postgres when DATABASE_URL is not set. */
function defaultDatabaseUrl(settings) {
  return withDatabase(DEFAULT_SERVER_URL, checkoutDatabaseName(settings));
}

async function query(url, sql, params) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined); // a dropped connection is reported by the query itself
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const SEVERITY_LEVELS = { DEBUG: 20, LOG: 30, INFO: 30, NOTICE: 30, WARNING: 40, ERROR: 50, FATAL: 50, PANIC: 60 };

/** Reads a Postgres log line (`<date> <time> <zone> [pid] SEVERITY:  message`) for the console. */
function postgresLogLine() {
  let previous = 30;
  return (line) => {
    const match = /^\S+ \S+ \S+ \[\d+\] ([A-Z]+\d?):\s+(.*)$/.exec(line);
    if (!match) return { level: previous, text: line };
    const [, severity, message] = match;
    // DETAIL, HINT, CONTEXT and STATEMENT belong to the line before them.
    const level = SEVERITY_LEVELS[severity.replace(/\d$/, '')] ?? previous;
    previous = level;
    return { level, text: `${severity}: ${message}` };
  };
}

/** Connects to `url`; creates its database (from the `postgres` database) when it is missing. */
async function ensureDatabase(url) {
  try {
    await query(url, 'SELECT 1');
    return false;
  } catch (error) {
    if (error.code !== '3D000') throw error; // 3D000: database does not exist
  }
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  try {
    await query(withDatabase(url, 'postgres'), `CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (error) {
    if (error.code !== '42P04') throw error; // 42P04: someone created it meanwhile
  }
  return true;
}

/** For our own cluster: asks the `postgres` database (a failed connect would log a FATAL). */
async function createIfMissing(url) {
  const admin = withDatabase(url, 'postgres');
  const { rowCount } = await query(admin, 'SELECT 1 FROM pg_database WHERE datname = $1', ['quire']);
  if (!rowCount) await query(admin, 'CREATE DATABASE quire');
}

async function useExisting(url, variable, output) {
  try {
    if (await ensureDatabase(url)) output.say(`created database ${new URL(url).pathname.slice(1)} on ${redact(url)}`);
  } catch (error) {
    const where = variable ? `${variable}=${redact(url)}` : `the Postgres on 127.0.0.1:5432 (as ${redact(url)})`;
    throw new StartError(
      `cannot use ${where}: ${error.message}`,
      variable
        ? `check that Postgres is running and that URL is right, or unset ${variable} to let npm start find or start one`
        : 'set DATABASE_URL to a database you can use, or QUIRE_FORCE_LOCAL_POSTGRES=1 to start a separate local Postgres',
    );
  }
}

/** Installed Postgres binaries: newest Debian version first, then whatever is on PATH. */
function postgresInstallations(given) {
  const dirs = [];
  if (given) dirs.push(given);
  try {
    const versions = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // no Debian-style installation
  }
  const onPath = findExecutable('postgres', searchPath());
  if (onPath) dirs.push(path.dirname(fs.realpathSync(onPath)));
  return [...new Set(dirs)].filter((dir) => isExecutable(path.join(dir, 'postgres')) && isExecutable(path.join(dir, 'initdb')));
}

async function majorVersion(binDir) {
  const { output } = await runToEnd(path.join(binDir, 'postgres'), ['--version']);
  return /\(PostgreSQL\)\s+(\d+)/.exec(output)?.[1];
}

/** True when `user` (primary group only: spawn drops the others) can walk down to `dir`. */
function traversableBy(dir, user) {
  let current = path.resolve(dir);
  for (;;) {
    let stat;
    try {
      stat = fs.statSync(current);
    } catch {
      stat = undefined; // not created yet: we create it with a traversable mode
    }
    if (stat) {
      // Like the kernel: the owner bits for the owner, else the group bits for the group, else other.
      const bit = stat.uid === user.uid ? 0o100 : stat.gid === user.gid ? 0o010 : 0o001;
      if (!(stat.mode & bit)) return false;
    }
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * <state>/pg, or (when running as root and the postgres user cannot reach it) a folder under /tmp
 * named after the state dir, so the same checkout finds the same data again.
 */
function chooseDataDir(stateDir, user) {
  const preferred = path.join(stateDir, 'pg');
  if (!user) return { dataDir: preferred };
  fs.mkdirSync(stateDir, { recursive: true });
  // Our own state dir may need "others may traverse" (not list) for the postgres user.
  const mode = fs.statSync(stateDir).mode;
  if (!(mode & 0o001)) fs.chmodSync(stateDir, (mode & 0o7777) | 0o001);
  if (traversableBy(path.dirname(preferred), user)) return { dataDir: preferred };
  const hash = crypto.createHash('sha256').update(stateDir).digest('hex').slice(0, 12);
  const fallback = path.join('/tmp', `quire-${hash}`, 'pg');
  fs.mkdirSync(path.dirname(fallback), { recursive: true });
  fs.chmodSync(path.dirname(fallback), 0o755);
  return { dataDir: fallback, note: `the postgres user cannot reach ${stateDir}` };
}

function existingVersion(dataDir) {
  try {
    return fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The pid in postmaster.pid when that process is a live Postgres (it already uses the data dir). */
function runningPostmaster(dataDir) {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    // A stale file may name a pid that was reused by something else: Postgres ignores those.
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres') ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function pickBinaries(settings, dataVersion) {
  const installations = postgresInstallations(settings.given('QUIRE_POSTGRES_BIN'));
  if (!installations.length) {
    throw new StartError(
      'no Postgres answers on 127.0.0.1:5432 (or DATABASE_URL) and no Postgres binaries were found to start one',
      "install Debian's postgresql package (apt-get install postgresql), set QUIRE_POSTGRES_BIN to a folder with postgres and initdb, or set DATABASE_URL",
    );
  }
  const versions = await Promise.all(installations.map(async (dir) => ({ dir, version: await majorVersion(dir) })));
  if (!dataVersion) return versions[0];
  const match = versions.find((v) => v.version === dataVersion);
  if (!match) {
    throw new StartError(
      `the local Postgres data was created by Postgres ${dataVersion}, but only ${versions.map((v) => v.version).join(', ')} is installed`,
      `install Postgres ${dataVersion}, or delete the data directory to start afresh`,
    );
  }
  return match;
}

async function prepareDataDir(dataDir, binaries, user, output) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user) fs.chownSync(dataDir, user.uid, user.gid);
  fs.chmodSync(dataDir, 0o700);
  if (existingVersion(dataDir)) return;
  output.say(`initialising a new Postgres ${binaries.version} data directory in ${dataDir}`);
  const result = await runToEnd(
    path.join(binaries.dir, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { uid: user?.uid, gid: user?.gid, cwd: dataDir, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' } },
  );
  if (result.code !== 0) throw new StartError(`initdb failed (exit code ${result.code}):\n${result.output.trim()}`);
}

async function startLocal(settings, supervisor, output) {
  const root = process.getuid?.() === 0;
  // initdb and postgres refuse to run as root: run them as the postgres system user.
  const user = root ? systemUser('postgres') : undefined;
  if (root && !user) {
    throw new StartError(
      'Postgres cannot run as root and there is no "postgres" system user to run it as',
      "install Debian's postgresql package (it creates that user), or set DATABASE_URL",
    );
  }
  const { dataDir, note } = chooseDataDir(settings.stateDir, user);
  const binaries = await pickBinaries(settings, existingVersion(dataDir));
  const holder = runningPostmaster(dataDir);
  if (holder) {
    throw new StartError(
      `another Postgres (pid ${holder}) is already using ${dataDir}`,
      'is another npm start running with the same QUIRE_STATE_DIR? Stop it, or set QUIRE_STATE_DIR to another folder',
    );
  }
  await prepareDataDir(dataDir, binaries, user, output);
  const port = await freePort();
  const socketDir = dataDir.length <= MAX_SOCKET_DIR_LENGTH ? dataDir : '';
  const child = supervisor.spawn({
    name: 'postgres',
    role: 'dependency',
    command: path.join(binaries.dir, 'postgres'),
    args: ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir}`],
    env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' },
    cwd: dataDir,
    uid: user?.uid,
    gid: user?.gid,
    stopSignal: 'SIGINT', // fast shutdown: rolls back open transactions, no recovery on next start
    classify: postgresLogLine(),
    printFrom: 40,
  });
  const url = `postgres://postgres@127.0.0.1:${port}/quire`;
  await waitFor(
    async () => {
      if (!child.alive) throw child.exitedError();
      await query(withDatabase(url, 'postgres'), 'SELECT 1');
      return true;
    },
    { timeoutMs: settings.startTimeoutMs, intervalMs: 100, description: 'the local Postgres to accept connections' },
  );
  await createIfMissing(url);
  return { url, note: `data in ${dataDir}${note ? `: ${note}` : ''}` };
}

/** Returns { origin, url, note?, env } for the apps (DATABASE_URL). */
async function resolvePostgres(settings, supervisor, output) {
  const given = settings.given('DATABASE_URL');
  if (given) {
    await useExisting(given, 'DATABASE_URL', output);
    return { name: 'Postgres', origin: 'given', location: redact(given), env: { DATABASE_URL: given } };
  }
  if (!settings.forceLocalPostgres && (await tcpReachable('127.0.0.1', 5432))) {
    const url = defaultDatabaseUrl(settings);
    await useExisting(url, undefined, output);
    return { name: 'Postgres', origin: 'found', location: url, note: 'this checkout\'s own database', env: { DATABASE_URL: url } };
  }
  const { url, note } = await startLocal(settings, supervisor, output);
  return { name: 'Postgres', origin: 'started', location: url, note, env: { DATABASE_URL: url } };
}

module.exports = { resolvePostgres, checkoutDatabaseName, defaultDatabaseUrl };
