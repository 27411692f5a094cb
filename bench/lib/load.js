'use strict';
const autocannon = require('autocannon');

/** One autocannon run; returns req/s and latency percentiles (ms). */
async function load(url, { headers = {}, connections = 32, durationSeconds = 8 } = {}) {
  // A short warm-up first, so JIT and connection pools are hot for the measured run.
  await autocannon({ url, headers, connections, duration: 2 });
  const result = await autocannon({ url, headers, connections, duration: durationSeconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx and ${result.errors} errors during the run`);
  }
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
  };
}

module.exports = { load };
