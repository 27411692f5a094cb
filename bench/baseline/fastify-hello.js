// Baseline for benchmark (a): a bare Fastify server answering the same tiny JSON as the
// gateway's /health/live. Prints {"url": ...} once listening.
'use strict';
const Fastify = require('fastify');

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ status: 'ok' }));
app.listen({ port: 0, host: '127.0.0.1' }).then((address) => process.stdout.write(`${JSON.stringify({ url: address })}\n`));
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
