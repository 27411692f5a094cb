#!/usr/bin/env node
// `npm start`: the whole Quire platform on one machine. Builds, finds or starts Postgres, NATS,
// Redis (optional) and S3, starts the five services and then the gateway, prints where everything
// is, and stops it all in order on Ctrl-C. See README, "Running it", for every variable it reads.
'use strict';
const path = require('node:path');
const { assignPorts, startApps } = require('./lib/start/apps');
const { checkAppConfig } = require('./lib/start/config-check');
const { ConsoleOutput } = require('./lib/start/console-output');
const { devAdminCheckEnv, devAdminLines, resolveDevAdmin } = require('./lib/start/dev-admin');
const { resolveJwtSecret } = require('./lib/start/jwt-secret');
const { resolveNats } = require('./lib/start/nats');
const { defaultDatabaseUrl, resolvePostgres } = require('./lib/start/postgres');
const { resolveRedis } = require('./lib/start/redis');
const { resolveS3 } = require('./lib/start/s3');
const { readSettings, StartError, APPS } = require('./lib/start/settings');
const { summaryText } = require('./lib/start/summary');
const { Supervisor } = require('./lib/start/supervisor');

const TOOL_NAMES = ['start', 'build', 'postgres', 'nats', 's3'];

/** `node scripts/build.js` (incremental tsc into dist/); its output (compile errors) is shown. */
async function build(settings, supervisor) {
  const child = supervisor.spawn({
    name: 'build',
    role: 'task',
    command: process.execPath,
    args: [path.join(settings.repoRoot, 'scripts/build.js')],
    env: process.env,
    cwd: settings.repoRoot,
  });
  await child.exited;
  if (child.exit.code !== 0) throw new StartError(`the build failed (${child.describeExit()})`, 'fix the compile errors above');
}

/**
 * The environment of one app: everything this script was given, then what it decided (URLs of
 * the dependencies, the JWT secret, the app's port). Redis is dropped when there is none.
 */
function appEnvironment(settings, shared, app) {
  const env = {
    ...process.env,
    NODE_ENV: settings.given('NODE_ENV') ?? 'development',
    NATS_SUBJECT_PREFIX: settings.given('NATS_SUBJECT_PREFIX') ?? '',
    HTTP_HOST: settings.httpHost,
    // Six copies of the AWS SDK's notice about future Node versions drown the start-up output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: settings.given('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') ?? 'true',
    ...shared,
    HTTP_PORT: String(app.port),
    METRICS_PORT: String(app.metricsPort ?? 0),
    METRICS_HOST: '127.0.0.1',
  };
  if (!shared.REDIS_URL) delete env.REDIS_URL;
  return env;
}

/** Stand-ins for what is only known once the dependencies are up, so the config check can run first. */
function placeholderDependencyEnv(settings) {
  return {
    DATABASE_URL: settings.given('DATABASE_URL') ?? defaultDatabaseUrl(settings),
    NATS_URL: settings.given('NATS_URL') ?? 'nats://127.0.0.1:4222',
    S3_ENDPOINT: settings.given('S3_ENDPOINT') ?? 'http://127.0.0.1:9000',
  };
}

/** Resolves every dependency (in parallel); fails with the first problem once all have settled. */
async function resolveDependencies(settings, supervisor, output) {
  const results = await Promise.allSettled([
    resolvePostgres(settings, supervisor, output),
    resolveNats(settings, supervisor),
    resolveRedis(settings),
    resolveS3(settings, supervisor),
  ]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => r.value);
}

async function run(settings, supervisor, output) {
  const startedAt = Date.now();
  await supervisor.stopLeftovers();
  const apps = await assignPorts(settings, output);
  output.say('building (node scripts/build.js)');
  await build(settings, supervisor);
  const jwt = resolveJwtSecret(settings);
  if (jwt.origin === 'generated') output.say(`generated a JWT secret in ${jwt.file}: login tokens survive restarts`);
  const envOf = (shared) => (app) => appEnvironment(settings, { JWT_SECRET: jwt.secret, ...shared }, app);
  await checkAppConfig(settings, apps, envOf({ ...devAdminCheckEnv(settings), ...placeholderDependencyEnv(settings) }));

  const dependencies = await resolveDependencies(settings, supervisor, output);
  for (const d of dependencies) output.say(`${d.name}: ${d.origin === 'none' ? d.note : `${d.origin} ${d.location}${d.note ? ` (${d.note})` : ''}`}`);
  const dependencyEnv = Object.assign({}, ...dependencies.map((d) => d.env));
  // Needs the database: the admin may exist already, with a password this state dir does not hold.
  const admin = await resolveDevAdmin(settings, dependencyEnv.DATABASE_URL);
  const appEnvOf = envOf({ ...admin.env, ...dependencyEnv });

  // Services first: each runs its migrations; the gateway needs them answering on NATS.
  const services = apps.filter((app) => !app.public);
  output.say(`starting ${services.map((app) => app.name).join(', ')}`);
  await startApps(supervisor, settings, services, appEnvOf);
  output.say('starting gateway');
  await startApps(supervisor, settings, apps.filter((app) => app.public), appEnvOf);

  output.block(summaryText({ apps, dependencies, jwt, elapsedMs: Date.now() - startedAt, adminLines: devAdminLines(admin, apps.find((app) => app.public).url) }));
}

function main() {
  let settings;
  try {
    settings = readSettings();
  } catch (error) {
    process.stderr.write(`npm start: ${error.message}${error.hint ? `\n  ${error.hint}` : ''}\n`);
    process.exit(1);
  }
  const output = new ConsoleOutput({ format: settings.logFormat, color: settings.color, names: [...TOOL_NAMES, ...APPS.map((a) => a.name)] });
  const supervisor = new Supervisor({ output, stateDir: settings.stateDir, stopTimeoutMs: settings.stopTimeoutMs });
  supervisor.handleSignals();
  run(settings, supervisor, output).catch((error) => {
    if (supervisor.stopping) return; // Ctrl-C or a dead process interrupted the start: already reported
    const expected = error instanceof StartError || error.fatal;
    void supervisor.fail(expected ? error.message : error.stack ?? String(error), error.child, error.hint);
  });
}

main();
