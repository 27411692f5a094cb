'use strict';
// The six Quire apps as child processes: their ports, their start, their readiness.
const path = require('node:path');
const { freePort, portIsFree, waitFor } = require('./net');
const { StartError } = require('./settings');

/** npm start serves every app's /metrics on loopback only (ADR 018). */
const METRICS_HOST = '127.0.0.1';

/** Where to reach an app that binds `host` (a wildcard address is reached over loopback). */
function urlHost(host) {
  if (['0.0.0.0', '::', '[::]'].includes(host)) return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Resolves each app's port. 0 picks a free one. A taken gateway port fails (clients and bookmarks
 * expect it); a taken service port (health and metrics only) is swapped for a free one, with a
 * warning.
 */
async function assignPorts(settings, output) {
  const used = new Set();
  const unusedFreePort = async () => {
    for (;;) {
      const port = await freePort(settings.httpHost);
      if (!used.has(port)) return port;
    }
  };
  const apps = [];
  for (const app of settings.apps) {
    let port = app.port;
    if (port === 0) {
      port = await unusedFreePort();
    } else if (used.has(port) || !(await portIsFree(port, settings.httpHost))) {
      if (app.public) {
        throw new StartError(
          `port ${port} for the ${app.name} (${app.variable}) is already in use on ${settings.httpHost}`,
          `stop what uses it (another npm start?), or set ${app.variable} to another port (0 picks a free one)`,
        );
      }
      const instead = await unusedFreePort();
      output.say(`port ${port} for ${app.name} is in use: using ${instead} instead (set ${app.variable} to choose)`, 'warn');
      port = instead;
    }
    used.add(port);
    // Metrics on a port of their own, on loopback (METRICS_PORT=0 turns them off for every app).
    let metricsPort = 0;
    if (settings.metrics) {
      do {
        metricsPort = await freePort(METRICS_HOST);
      } while (used.has(metricsPort));
      used.add(metricsPort);
    }
    apps.push({ ...app, port, url: `http://${urlHost(settings.httpHost)}:${port}`, metricsPort, metricsUrl: metricsPort ? `http://${METRICS_HOST}:${metricsPort}/metrics` : undefined });
  }
  return apps;
}

function startApp(supervisor, settings, app, env) {
  return supervisor.spawn({
    name: app.name,
    role: 'app',
    command: process.execPath,
    args: [path.join(settings.repoRoot, 'dist/apps', app.name, 'src/main.js')],
    env,
    cwd: settings.repoRoot,
    stopSignal: 'SIGTERM',
  });
}

/** Waits until the app's /health/ready answers 200 (its NATS, database and storage answer). */
async function waitUntilReady(child, app, timeoutMs) {
  let lastAnswer = 'no answer yet';
  const ready = waitFor(
    async () => {
      if (!child.alive) throw child.exitedError();
      const response = await fetch(`${app.url}/health/ready`, { signal: AbortSignal.timeout(3000) });
      if (response.status === 200) return true;
      lastAnswer = `${response.status} ${(await response.text()).slice(0, 500)}`;
      return false;
    },
    { timeoutMs, intervalMs: 200, description: () => `${app.name} to be ready at ${app.url}/health/ready (last answer: ${lastAnswer})` },
  );
  // The failure report shows the app's last lines.
  await ready.catch((error) => Promise.reject(Object.assign(error, { child })));
}

/** Starts `apps` together and waits until each is ready. */
async function startApps(supervisor, settings, apps, envOf) {
  const children = apps.map((app) => ({ app, child: startApp(supervisor, settings, app, envOf(app)) }));
  await Promise.all(children.map(({ app, child }) => waitUntilReady(child, app, settings.startTimeoutMs)));
}

module.exports = { assignPorts, startApps };
