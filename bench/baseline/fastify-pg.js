// Baseline for benchmark (b): bare Fastify + pg running the same one-row query the service's ping
// handler runs. DATABASE_URL and SCHEMA from env. Prints {"url": ...} once listening.
'use strict';
const Fastify = require('fastify');
const { Pool } = require('pg');

const schema = process.env.SCHEMA;
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const sql = `SELECT "name" FROM "${schema}"."migrations" ORDER BY "timestamp" DESC, "id" DESC LIMIT 1`;
const app = Fastify({ logger: false });
app.get('/ping', async () => {
  const { rows } = await pool.query(sql);
  return { service: 'baseline', migration: rows[0]?.name ?? null };
});
app.listen({ port: 0, host: '127.0.0.1' }).then((address) => process.stdout.write(`${JSON.stringify({ url: address })}\n`));
process.once('SIGTERM', () => app.close().then(() => pool.end()).then(() => process.exit(0)));
