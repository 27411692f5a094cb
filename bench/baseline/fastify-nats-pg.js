// Floor for benchmark (b), not a target: the same hops as Quire with no framework at all. One
// process is a bare Fastify that forwards each request over NATS; a second is a bare nats.js
// responder running the same one-row query with pg. Shows what the extra process and NATS hop
// cost on this machine. Role from argv[2]: "front" (prints {"url"}) or "back" (prints {"ready"}).
// Env: DATABASE_URL, SCHEMA, NATS_URL (default nats://127.0.0.1:4222), SUBJECT.
'use strict';
const { connect, JSONCodec } = require('nats');

const codec = JSONCodec();
const subject = process.env.SUBJECT ?? 'bench.floor.ping';

async function front() {
  const Fastify = require('fastify');
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', noAsyncTraces: true });
  const app = Fastify({ logger: false });
  app.get('/ping', async () => codec.decode((await nc.request(subject, codec.encode({}), { timeout: 5000 })).data));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ url: address })}\n`);
  process.once('SIGTERM', () => app.close().then(() => nc.close()).then(() => process.exit(0)));
}

async function back() {
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const sql = `SELECT "name" FROM "${process.env.SCHEMA}"."migrations" ORDER BY "timestamp" DESC, "id" DESC LIMIT 1`;
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  nc.subscribe(subject, {
    queue: 'floor',
    callback: (_error, message) => {
      pool.query(sql).then(({ rows }) => message.respond(codec.encode({ service: 'floor', migration: rows[0]?.name ?? null })));
    },
  });
  await nc.flush();
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  process.once('SIGTERM', () => nc.drain().then(() => pool.end()).then(() => process.exit(0)));
}

(process.argv[2] === 'back' ? back() : front()).catch((error) => {
  console.error(error);
  process.exit(1);
});
