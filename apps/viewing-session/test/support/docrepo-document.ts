import { createHash, randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { Principal } from '@quire/contracts';
import { testS3Client } from '@quire/testing';

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * A docrepo document with one version (a .docx), written straight into docrepo's tables and its
 * bytes where the version row says they are (`document-repository/test/<name>`), without going
 * through docrepo's API. Returns the document's id.
 */
export async function insertDocrepoDocument(
  store: { databaseUrl: string; bucket: string },
  owner: Pick<Principal, 'accountId' | 'userId'>,
  document: { name: string; docx: Buffer },
): Promise<string> {
  const key = `document-repository/test/${document.name}`;
  const documentId = randomUUID();
  const versionId = randomUUID();
  const sha = createHash('sha256').update(document.docx).digest('hex');
  const pg = new Client({ connectionString: store.databaseUrl });
  await pg.connect();
  try {
    const [project] = (
      await pg.query(`INSERT INTO docrepo.projects (account_id, name, created_by) VALUES ($1, 'P', $2) RETURNING id`, [owner.accountId, owner.userId])
    ).rows;
    await pg.query('BEGIN');
    // The document's link to its current version is deferred: document first, then the version.
    await pg.query(
      `INSERT INTO docrepo.documents (id, account_id, project_id, name, content_type, current_version_id, current_sha256, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [documentId, owner.accountId, project.id, document.name, DOCX_TYPE, versionId, sha, owner.userId],
    );
    await pg.query(
      `INSERT INTO docrepo.document_versions (id, account_id, document_id, number, s3_key, size, sha256, content_type, uploaded_by)
       VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8)`,
      [versionId, owner.accountId, documentId, key, document.docx.length, sha, DOCX_TYPE, owner.userId],
    );
    await pg.query('COMMIT');
  } finally {
    await pg.end();
  }
  await testS3Client().send(new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: document.docx }));
  return documentId;
}
