'use strict';
// S3 for `npm start`: the endpoint S3_ENDPOINT names (with the S3_* credentials given), else an
// in-memory S3-compatible server (scripts/s3-server.mjs, fauxqs) run by this script.
const path = require('node:path');
const { hostAndPort, tcpReachable } = require('./net');
const { StartError } = require('./settings');

const LOCAL_CREDENTIAL = 'quire-local';

function endpointOf(line) {
  try {
    const value = JSON.parse(line);
    return typeof value.endpoint === 'string' ? value.endpoint : undefined;
  } catch {
    return undefined;
  }
}

/** Returns { origin, location, note?, env } for the apps (S3_ENDPOINT and credentials). */
async function resolveS3(settings, supervisor) {
  const given = settings.given('S3_ENDPOINT');
  if (given) {
    let reachable = false;
    try {
      const { host, port } = hostAndPort(given, 80);
      reachable = await tcpReachable(host, port);
    } catch {
      reachable = true; // not a URL: the apps' own validation names it
    }
    if (!reachable) throw new StartError(`nothing answers at S3_ENDPOINT=${given}`, 'start that S3 server, or unset S3_ENDPOINT to use an in-memory one');
    return { name: 'S3', origin: 'given', location: given, env: {} };
  }
  const child = supervisor.spawn({
    name: 's3',
    role: 'dependency',
    command: process.execPath,
    args: [path.join(settings.repoRoot, 'scripts/s3-server.mjs'), '0'],
    env: { PATH: process.env.PATH ?? '' },
    cwd: settings.repoRoot,
    stopSignal: 'SIGTERM',
    printFrom: 40, // its one line (the endpoint) is reported below
  });
  const endpoint = await child.waitForLine(endpointOf, settings.startTimeoutMs, 'the in-memory S3 server to listen');
  return {
    name: 'S3',
    origin: 'started',
    location: endpoint,
    note: 'fauxqs, in memory: stored files are lost when npm start stops',
    env: {
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: settings.given('S3_ACCESS_KEY_ID') ?? LOCAL_CREDENTIAL,
      S3_SECRET_ACCESS_KEY: settings.given('S3_SECRET_ACCESS_KEY') ?? LOCAL_CREDENTIAL,
      S3_FORCE_PATH_STYLE: 'true',
    },
  };
}

module.exports = { resolveS3 };
