'use strict';
// Redis for `npm start` is optional: the one REDIS_URL names, else one on 127.0.0.1:6379, else
// none (the gateway then keeps its rate-limit counters in memory).
const { hostAndPort, redact, redisAnswers, tcpReachable } = require('./net');
const { StartError } = require('./settings');

const DEFAULT_URL = 'redis://127.0.0.1:6379';

/** Returns { origin, location, note?, env } for the gateway (REDIS_URL, or nothing). */
async function resolveRedis(settings) {
  const given = settings.given('REDIS_URL');
  if (given) {
    let reachable = false;
    try {
      const { host, port } = hostAndPort(given, 6379);
      reachable = await tcpReachable(host, port);
    } catch {
      // not a URL: the gateway's own validation names it
      reachable = true;
    }
    if (!reachable) {
      throw new StartError(`nothing answers at REDIS_URL=${redact(given)}`, 'start that Redis, or unset REDIS_URL (rate-limit counters then stay in memory)');
    }
    return { name: 'Redis', origin: 'given', location: redact(given), env: { REDIS_URL: given } };
  }
  const found = await redisAnswers('127.0.0.1', 6379);
  if (found === 'ok') return { name: 'Redis', origin: 'found', location: DEFAULT_URL, env: { REDIS_URL: DEFAULT_URL } };
  const why = found === 'auth' ? 'the Redis on 127.0.0.1:6379 wants a password (set REDIS_URL)' : 'none on 127.0.0.1:6379';
  return { name: 'Redis', origin: 'none', location: '-', note: `${why}: rate-limit counters are in the gateway's memory`, env: {} };
}

module.exports = { resolveRedis };
