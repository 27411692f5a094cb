'use strict';
// S3 for `npm start`: the endpoint S3_ENDPOINT names (with the S3_* credentials given), else an
// S3-compatible server run by this script that keeps objects on disk in <state>/s3 and checks
// every request's SigV4 signature (scripts/s3-disk-server.js, docs/adr/015). Its key pair is
// S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY when given, else `quire-local` and a secret generated
// once into <state>/s3-secret (mode 600).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { freePort, hostAndPort, tcpReachable } = require('./net');
const { StartError } = require('./settings');

const LOCAL_ACCESS_KEY_ID = 'quire-local';
const MIN_SECRET_LENGTH = 16;

function endpointOf(line) {
  try {
    const value = JSON.parse(line);
    return typeof value.endpoint === 'string' ? value.endpoint : undefined;
  } catch {
    return undefined;
  }
}

function readSecret(file) {
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_SECRET_LENGTH) throw new StartError(`${file} holds an S3 secret shorter than ${MIN_SECRET_LENGTH} characters`, 'delete that file to get a new one');
  return secret;
}

/** The key pair of the local server: given, else a secret kept in <state>/s3-secret. */
function localCredentials(settings) {
  const accessKeyId = settings.given('S3_ACCESS_KEY_ID') ?? LOCAL_ACCESS_KEY_ID;
  const given = settings.given('S3_SECRET_ACCESS_KEY');
  if (given) return { accessKeyId, secretAccessKey: given };
  const file = path.join(settings.stateDir, 's3-secret');
  if (fs.existsSync(file)) return { accessKeyId, secretAccessKey: readSecret(file) };
  fs.mkdirSync(settings.stateDir, { recursive: true });
  const secret = crypto.randomBytes(24).toString('base64url');
  try {
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return { accessKeyId, secretAccessKey: secret };
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    return { accessKeyId, secretAccessKey: readSecret(file) }; // another run wrote it just now
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
    if (!reachable) throw new StartError(`nothing answers at S3_ENDPOINT=${given}`, 'start that S3 server, or unset S3_ENDPOINT to use a local one');
    return { name: 'S3', origin: 'given', location: given, env: {} };
  }
  const credentials = localCredentials(settings);
  const dataDir = path.join(settings.stateDir, 's3');
  const child = supervisor.spawn({
    name: 's3',
    role: 'dependency',
    command: process.execPath,
    // s3rver's ListObjectsV2 continuation tokens are DES-encrypted: OpenSSL 3 keeps DES in its legacy provider.
    args: ['--openssl-legacy-provider', path.join(settings.repoRoot, 'scripts/s3-disk-server.js'), dataDir, String(await freePort())],
    env: { PATH: process.env.PATH ?? '', S3_ACCESS_KEY_ID: credentials.accessKeyId, S3_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    cwd: settings.repoRoot,
    stopSignal: 'SIGTERM',
    printFrom: 40, // its one line (the endpoint) is reported below
  });
  const endpoint = await child.waitForLine(endpointOf, settings.startTimeoutMs, 'the local S3 server to listen');
  return {
    name: 'S3',
    origin: 'started',
    location: endpoint,
    note: `s3rver: objects on disk in ${dataDir}, every request signed (SigV4)`,
    env: {
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      S3_BUCKET_PATH_WITHOUT_SLASH: 'true',
    },
  };
}

module.exports = { resolveS3 };
