// Floor for the cached viewing page, not a target: the same hops and the same reads as Quire with
// no framework. "front" is a bare Fastify that forwards GET /page?DocumentID=u{id} over NATS and
// answers the page's bytes from memory (as the gateway's page cache does); "back" is a bare nats.js
// responder running the four reads the viewing service runs for a page (the live session, its
// sources, the rendition, the page's variants) with pg and answering the object key.
// Role from argv[2]: "front" (prints {"url"}) or "back" (prints {"ready"}).
// Env: DATABASE_URL, NATS_URL (default nats://127.0.0.1:4222), SUBJECT, BYTES_FILE (front).
'use strict';
const fs = require('node:fs');
const { connect, JSONCodec } = require('nats');

const codec = JSONCodec();
const subject = process.env.SUBJECT ?? 'bench.floor.page';

async function front() {
  const Fastify = require('fastify');
  const bytes = fs.readFileSync(process.env.BYTES_FILE);
  const cache = new Map();
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', noAsyncTraces: true });
  const app = Fastify({ logger: false });
  app.get('/page', async (request, reply) => {
    const id = String(request.query.DocumentID ?? '').slice(1);
    const answer = codec.decode((await nc.request(subject, codec.encode({ viewingSessionId: id, page: 0 }), { timeout: 5000 })).data);
    if (!answer.key) return reply.status(404).send({ errorCode: 'DocumentNotFound' });
    if (!cache.has(answer.key)) cache.set(answer.key, bytes);
    return reply.type(answer.contentType).header('etag', answer.etag).send(cache.get(answer.key));
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ url: address })}\n`);
  process.once('SIGTERM', () => app.close().then(() => nc.close()).then(() => process.exit(0)));
}

async function back() {
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  async function page({ viewingSessionId, page }) {
    const session = (await pool.query(`SELECT * FROM "viewing"."viewing_sessions" WHERE "id" = $1`, [viewingSessionId])).rows[0];
    if (!session || session.expires_at <= new Date()) return {};
    const sources = (await pool.query(`SELECT * FROM "viewing"."viewing_session_sources" WHERE "account_id" = $1 AND "session_id" = $2 ORDER BY "slot"`, [session.account_id, session.id])).rows;
    const source = sources.find((s) => s.slot === 'single') ?? sources.find((s) => s.slot === 'revised');
    const rendition = (await pool.query(`SELECT * FROM "viewing"."renditions" WHERE "account_id" = $1 AND "id" = $2`, [session.account_id, source.rendition_id])).rows[0];
    const row = (await pool.query(`SELECT "page", "width", "height", "variants" FROM "viewing"."rendition_pages" WHERE "account_id" = $1 AND "rendition_id" = $2 AND "page" = $3`, [session.account_id, rendition.id, page])).rows[0];
    const variant = row.variants['png@1'];
    return { key: variant.key, contentType: variant.contentType, etag: variant.etag };
  }
  nc.subscribe(subject, {
    queue: 'floor',
    callback: (_error, message) => {
      page(codec.decode(message.data)).then(
        (answer) => message.respond(codec.encode(answer)),
        () => message.respond(codec.encode({})),
      );
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
