// Baseline for the document list benchmark: bare Fastify + pg running the same two statements
// the service runs for one page of a project's documents (a count, then the page joined to the
// current versions). DATABASE_URL, ACCOUNT_ID and PROJECT_ID from env. Prints {"url": ...}.
'use strict';
const Fastify = require('fastify');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const where = `d.account_id = $1 AND d.project_id = $2 AND ($3::uuid IS NULL OR d.folder_id = $3) AND ($4::timestamptz IS NULL OR d.updated_at > $4)`;
const count = `SELECT count(*) AS n FROM "docrepo"."documents" d WHERE ${where}`;
const page = `SELECT d.id, d.project_id AS "projectId", d.name, d.folder_id AS "folderId", d.content_type AS "contentType", d.dedup,
  d.created_by AS "createdBy", d.created_at AS "createdAt", d.updated_at AS "updatedAt",
  json_build_object('id', v.id, 'documentId', v.document_id, 'number', v.number, 's3Key', v.s3_key, 'size', v.size,
  'sha256', v.sha256, 'contentType', v.content_type, 'uploadedBy', v.uploaded_by, 'createdAt', v.created_at) AS version
  FROM "docrepo"."documents" d JOIN "docrepo"."document_versions" v ON v.account_id = d.account_id AND v.id = d.current_version_id
  WHERE ${where} ORDER BY d.created_at, d.id LIMIT $5 OFFSET $6`;
const app = Fastify({ logger: false });
app.get('/documents', async (request) => {
  const pageNumber = Number(request.query.page ?? 1);
  const pageSize = Number(request.query.pageSize ?? 50);
  const params = [process.env.ACCOUNT_ID, process.env.PROJECT_ID, null, null];
  const [{ rows: counted }, { rows }] = [await pool.query(count, params), await pool.query(page, [...params, pageSize, (pageNumber - 1) * pageSize])];
  return { items: rows, page: pageNumber, pageSize, total: Number(counted[0].n) };
});
app.listen({ port: 0, host: '127.0.0.1' }).then((address) => process.stdout.write(`${JSON.stringify({ url: address })}\n`));
process.once('SIGTERM', () => app.close().then(() => pool.end()).then(() => process.exit(0)));
