'use strict';
// Small network probes for `npm start`: is something listening, does it speak the protocol we
// expect, which port is free.
const net = require('node:net');

const PROBE_TIMEOUT_MS = 700;

/**
 * Opens a TCP connection; resolves with the first bytes the server sends within `timeoutMs` after
 * writing `send` (or '' when it sent nothing), or undefined when nothing accepts the connection.
 */
function tcpExchange(host, port, { send, timeoutMs = PROBE_TIMEOUT_MS, waitForReply = false } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let received = '';
    let connected = false;
    const finish = (value) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => finish(connected ? received : undefined), timeoutMs);
    socket.once('connect', () => {
      connected = true;
      if (send) socket.write(send);
      if (!waitForReply) finish('');
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\n')) finish(received);
    });
    socket.once('error', () => finish(connected ? received : undefined));
  });
}

/** True when something accepts TCP connections on host:port. */
async function tcpReachable(host, port, timeoutMs) {
  return (await tcpExchange(host, port, { timeoutMs })) !== undefined;
}

/** True when a NATS server answers there (it greets every client with an INFO line). */
async function natsAnswers(host, port) {
  const reply = await tcpExchange(host, port, { waitForReply: true });
  return typeof reply === 'string' && reply.startsWith('INFO ');
}

/** 'ok' when Redis answers PING, 'auth' when it wants a password, undefined when nothing answers. */
async function redisAnswers(host, port) {
  const reply = await tcpExchange(host, port, { send: 'PING\r\n', waitForReply: true });
  if (reply === undefined) return undefined;
  if (reply.startsWith('+PONG')) return 'ok';
  if (/^-(NOAUTH|WRONGPASS)/.test(reply)) return 'auth';
  return undefined;
}

/** True when this process could listen on host:port right now. */
function portIsFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Ports this process has handed out: one of them may not be bound yet, so it is never handed out twice. */
const handedOut = new Set();

/**
 * A port the OS considers free now and not handed out before by this process (there is a short
 * race until its user binds it, so every server npm start runs takes its port from here rather
 * than asking the OS for port 0 while other handed-out ports are still unbound).
 */
async function freePort(host = '127.0.0.1') {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen({ port: 0, host }, () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** The URL with its password hidden, for messages. */
function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

/** host and port of a URL, with the scheme's default port when it names none. */
function hostAndPort(url, defaultPort) {
  const parsed = new URL(url);
  const fallback = { 'https:': 443, 'http:': 80 }[parsed.protocol] ?? defaultPort;
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || fallback) };
}

/**
 * Polls `check` until it returns something other than undefined/false. Fails after the deadline,
 * or at once when `check` throws an error marked `fatal` (e.g. the process we wait for exited).
 * `description` may be a function, to describe the state at the time of failure.
 */
async function waitFor(check, { timeoutMs, intervalMs = 150, description }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error && error.fatal) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      const what = typeof description === 'function' ? description() : description;
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

module.exports = { tcpReachable, natsAnswers, redisAnswers, portIsFree, freePort, hostAndPort, redact, waitFor };
