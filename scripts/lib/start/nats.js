'use strict';
// NATS for `npm start`: the servers NATS_URL names, else one on 127.0.0.1:4222, else a local
// nats-server with JetStream (its store in <state>/nats, kept between runs).
const fs = require('node:fs');
const path = require('node:path');
const { freePort, hostAndPort, natsAnswers, redact, waitFor } = require('./net');
const { findExecutable } = require('./executables');
const { StartError } = require('./settings');

const DEFAULT_URL = 'nats://127.0.0.1:4222';

async function checkGiven(url) {
  const servers = url.split(',').map((server) => server.trim());
  for (const server of servers) {
    try {
      const { host, port } = hostAndPort(server, 4222);
      if (await natsAnswers(host, port)) return;
    } catch {
      // not a URL: the apps' own validation names it
    }
  }
  throw new StartError(
    `no NATS server answers at NATS_URL=${servers.map(redact).join(',')}`,
    'start that NATS server, or unset NATS_URL to let npm start find or start one',
  );
}

const NATS_LEVELS = { TRC: 10, DBG: 20, INF: 30, WRN: 40, ERR: 50, FTL: 60 };

/** Reads a nats-server log line (`[pid] <date> <time> [INF] message`) for the console. */
function natsLogLine(line) {
  const match = /^\[\d+\] \S+ \S+ \[([A-Z]{3})\] ?(.*)$/.exec(line);
  return match ? { level: NATS_LEVELS[match[1]] ?? 30, text: match[2] } : { level: 30, text: line };
}

async function startLocal(settings, supervisor) {
  const binary = findExecutable('nats-server');
  if (!binary) {
    throw new StartError(
      'no NATS server answers on 127.0.0.1:4222 (or NATS_URL) and the nats-server binary was not found to start one',
      "install Debian's nats-server package (apt-get install nats-server), or set NATS_URL",
    );
  }
  const storeDir = path.join(settings.stateDir, 'nats');
  fs.mkdirSync(storeDir, { recursive: true, mode: 0o700 });
  const port = await freePort();
  const child = supervisor.spawn({
    name: 'nats',
    role: 'dependency',
    command: binary,
    args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir],
    env: { PATH: process.env.PATH ?? '' },
    stopSignal: 'SIGTERM',
    classify: natsLogLine,
    printFrom: 40,
  });
  await waitFor(
    async () => {
      if (!child.alive) throw child.exitedError();
      return natsAnswers('127.0.0.1', port);
    },
    { timeoutMs: settings.startTimeoutMs, intervalMs: 100, description: 'the local NATS server to accept connections' },
  );
  return { url: `nats://127.0.0.1:${port}`, note: `JetStream store in ${storeDir}` };
}

/** Returns { origin, location, note?, env } for the apps (NATS_URL). */
async function resolveNats(settings, supervisor) {
  const given = settings.given('NATS_URL');
  if (given) {
    await checkGiven(given);
    return { name: 'NATS', origin: 'given', location: given.split(',').map(redact).join(','), env: { NATS_URL: given } };
  }
  if (!settings.forceLocalNats && (await natsAnswers('127.0.0.1', 4222))) {
    return { name: 'NATS', origin: 'found', location: DEFAULT_URL, env: { NATS_URL: DEFAULT_URL } };
  }
  const { url, note } = await startLocal(settings, supervisor);
  return { name: 'NATS', origin: 'started', location: url, note, env: { NATS_URL: url } };
}

module.exports = { resolveNats };
