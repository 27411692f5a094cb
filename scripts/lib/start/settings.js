'use strict';
// What `npm start` itself reads from the environment, validated once. Everything else in the
// environment is passed on to the apps, which validate their own settings.
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '../../..');

/** A failure to explain to the developer: `message` says what is wrong, `hint` what to do. */
class StartError extends Error {
  constructor(message, hint) {
    super(message);
    this.hint = hint;
  }
}

/**
 * The six apps in start order: services first (each migrates its own schema), the gateway last.
 * `portVariable` picks the app's HTTP port (health and metrics for services); 0 means any free one.
 */
const APPS = [
  { name: 'identity', portVariable: 'IDENTITY_PORT', defaultPort: 3101 },
  { name: 'edit-session', portVariable: 'EDIT_SESSION_PORT', defaultPort: 3102 },
  { name: 'file', portVariable: 'FILE_PORT', defaultPort: 3103 },
  { name: 'document-repository', portVariable: 'DOCUMENT_REPOSITORY_PORT', defaultPort: 3104 },
  { name: 'viewing-session', portVariable: 'VIEWING_SESSION_PORT', defaultPort: 3105 },
  { name: 'gateway', portVariable: 'GATEWAY_PORT', fallbackVariable: 'PORT', defaultPort: 3000, public: true },
];

function given(env, name) {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function flag(env, name) {
  const value = given(env, name);
  if (value === undefined) return false;
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new StartError(`${name}=${JSON.stringify(value)} is not a boolean`, `use ${name}=1 or ${name}=0`);
}

function integer(env, name, fallback, min, max) {
  const value = given(env, name);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new StartError(`${name}=${JSON.stringify(value)} must be an integer from ${min} to ${max}`);
  }
  return number;
}

function portSetting(env, app) {
  for (const variable of [app.portVariable, app.fallbackVariable].filter(Boolean)) {
    if (given(env, variable) !== undefined) return { port: integer(env, variable, 0, 0, 65535), variable };
  }
  return { port: app.defaultPort, variable: app.portVariable };
}

function readSettings(env = process.env) {
  const logFormat = given(env, 'LOG_FORMAT') ?? 'pretty';
  if (!['pretty', 'json'].includes(logFormat)) {
    throw new StartError(`LOG_FORMAT=${JSON.stringify(logFormat)} must be "pretty" or "json"`);
  }
  const forceLocalPostgres = flag(env, 'QUIRE_FORCE_LOCAL_POSTGRES');
  const forceLocalNats = flag(env, 'QUIRE_FORCE_LOCAL_NATS');
  if (forceLocalPostgres && given(env, 'DATABASE_URL')) {
    throw new StartError('QUIRE_FORCE_LOCAL_POSTGRES and DATABASE_URL are both set', 'unset one of them');
  }
  if (forceLocalNats && given(env, 'NATS_URL')) {
    throw new StartError('QUIRE_FORCE_LOCAL_NATS and NATS_URL are both set', 'unset one of them');
  }
  return {
    repoRoot: REPO_ROOT,
    stateDir: path.resolve(REPO_ROOT, given(env, 'QUIRE_STATE_DIR') ?? '.quire'),
    logFormat,
    color: logFormat === 'pretty' && Boolean(process.stdout.isTTY) && given(env, 'NO_COLOR') === undefined,
    httpHost: given(env, 'HTTP_HOST') ?? '127.0.0.1',
    // METRICS_PORT=0: no metrics port at all; otherwise each app gets a free one on 127.0.0.1.
    metrics: integer(env, 'METRICS_PORT', 1, 0, 65535) !== 0,
    apps: APPS.map((app) => ({ ...app, ...portSetting(env, app) })),
    startTimeoutMs: integer(env, 'QUIRE_START_TIMEOUT_MS', 90_000, 1000, 600_000),
    stopTimeoutMs: integer(env, 'QUIRE_STOP_TIMEOUT_MS', 15_000, 100, 600_000),
    forceLocalPostgres,
    forceLocalNats,
    given: (name) => given(env, name),
  };
}

module.exports = { readSettings, StartError, APPS, REPO_ROOT };
