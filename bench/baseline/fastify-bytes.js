// Baseline for the cached viewing page: a bare Fastify server answering the bytes of BYTES_FILE
// (read once into memory) with the page's content type. Prints {"url": ...} once listening.
'use strict';
const fs = require('node:fs');
const Fastify = require('fastify');

const bytes = fs.readFileSync(process.env.BYTES_FILE);
const app = Fastify({ logger: false });
app.get('/page', async (request, reply) => reply.type(process.env.BYTES_TYPE ?? 'image/png').send(bytes));
app.listen({ port: 0, host: '127.0.0.1' }).then((address) => process.stdout.write(`${JSON.stringify({ url: address })}\n`));
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
