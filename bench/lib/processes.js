'use strict';
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { createInterface } = require('node:readline');

const root = path.resolve(__dirname, '../..');
const children = new Set();
process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function track(child, name) {
  children.add(child);
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-10_000));
  child.stderr?.on('data', keep);
  child.once('exit', () => children.delete(child));
  return {
    name,
    pid: child.pid,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/** Starts a script that prints one JSON line ({url} or {endpoint}) when it listens. */
async function startScript(file, env, args = []) {
  const child = spawn(process.execPath, [file, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const handle = track(child, path.basename(file));
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start: ${handle.output()}`)), 20_000);
    createInterface({ input: child.stdout }).once('line', (l) => (clearTimeout(timer), resolve(l)));
    child.once('exit', (code) => reject(new Error(`${file} exited ${code}: ${handle.output()}`)));
  });
  return { ...handle, info: JSON.parse(line) };
}

/** Starts a compiled Quire app and waits for /health/ready. */
async function startApp(name, env, execArgv = []) {
  const port = await freePort();
  let metricsPort = await freePort();
  while (metricsPort === port) metricsPort = await freePort();
  const child = spawn(process.execPath, [...execArgv, path.join(root, 'dist/apps', name, 'src/main.js')], {
    env: { ...process.env, ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const handle = track(child, name);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${handle.output()}`);
    return (await fetch(`${url}/health/ready`)).ok;
  }, 30_000, `${name} ready`);
  return { ...handle, url, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

/** Resident set size of a process, in bytes (Linux). */
function rssOf(pid) {
  const status = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

/** CPU seconds (user + system) a process has used so far (Linux); 0 once it is gone. */
function cpuSeconds(pid) {
  try {
    const fields = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every `intervalMs` until stop(), which answers {before, peak, after} in bytes. */
function rssSampler(pid, intervalMs) {
  const before = rssOf(pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const after = rssOf(pid);
      peak = Math.max(peak, after);
      return { before, peak, after };
    },
  };
}

module.exports = { root, freePort, waitFor, startScript, startApp, rssOf, rssSampler, cpuSeconds };
