#!/usr/bin/env node
// The S3-compatible server `npm start` runs (docs/adr/015): @20minutes/s3rver, objects on disk
// under <dir>, every request signed with SigV4 by the one key pair given in the environment
// (S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY), anonymous and V2-signed requests refused, and
// AbortMultipartUpload implemented (s3rver answers it 405). Tests use the faster in-memory
// scripts/s3-server.mjs instead.
//
// Usage: node --openssl-legacy-provider scripts/s3-disk-server.js <dir> [port]  (0: a free port)
// (s3rver's ListObjectsV2 continuation tokens use DES, which Node's OpenSSL 3 has only in its
// legacy provider.) Prints one JSON line {"endpoint": "..."} once it listens; SIGTERM / SIGINT stop it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const S3rver = require('@20minutes/s3rver');
const AWSAccount = require('@20minutes/s3rver/lib/models/account');
const S3Error = require('@20minutes/s3rver/lib/models/error');
const authentication = require('@20minutes/s3rver/lib/middleware/authentication');

const UPLOAD_ID = /^[0-9a-f]{32}$/; // s3rver's upload ids: 16 random bytes, hex

function fail(message) {
  process.stderr.write(`s3-disk-server: ${message}\n`);
  process.exit(2);
}

/** Only the given key pair opens the store: s3rver's built-in `S3RVER` / `S3RVER` is removed. */
function useOnlyKeyPair(accessKeyId, secretAccessKey) {
  for (const id of [...AWSAccount.registry.keys()]) AWSAccount.registry.get(id).revokeAccessKey(id);
  new AWSAccount(100000000001, 'quire').createKeyPair(accessKeyId, secretAccessKey);
}

/** s3rver lets a request without any signature through as anonymous: here that is a 403. */
function isSigV4(ctx) {
  const authorization = ctx.get('authorization');
  if (authorization) return /^AWS4-HMAC-SHA256 /.test(authorization);
  return ctx.query['X-Amz-Algorithm'] !== undefined && ctx.query.Signature === undefined;
}

/**
 * `DELETE /<bucket>/<key>?uploadId=…` (AbortMultipartUpload): checks the signature with s3rver's
 * own middleware, then removes the upload's parts (s3rver keeps them under
 * <bucket>/._S3rver_uploads/<uploadId>/).
 */
function abortMultipartUpload(server) {
  const checkSignature = authentication();
  return async (ctx, next) => {
    if (ctx.method !== 'DELETE' || ctx.query.uploadId === undefined) return next();
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (!match) return next();
    ctx.params = { bucket: decodeURIComponent(match[1]), key: decodeURIComponent(match[2]) };
    await checkSignature(ctx, async () => {
      const { bucket, key } = ctx.params;
      const uploadId = String(ctx.query.uploadId);
      const uploads = server.store.getResourcePath(bucket, undefined, 'uploads');
      const dir = path.join(uploads, uploadId);
      let storedKey;
      try {
        storedKey = UPLOAD_ID.test(uploadId) ? fs.readFileSync(path.join(dir, 'key'), 'utf8') : undefined;
      } catch {
        storedKey = undefined;
      }
      if (storedKey !== key) {
        throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', {
          UploadId: uploadId,
        });
      }
      await fs.promises.rm(dir, { recursive: true, force: true });
      ctx.status = 204;
    });
  };
}

async function main() {
  const [dirArgument, portArgument = '0'] = process.argv.slice(2);
  if (!dirArgument) fail('usage: s3-disk-server.js <dir> [port]');
  const accessKeyId = process.env.S3_ACCESS_KEY_ID;
  const secretAccessKey = process.env.S3_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) fail('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set');
  const directory = path.resolve(dirArgument);
  // Only this user reads the objects on disk: the signature check would mean little otherwise.
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  fs.chmodSync(directory, 0o700);
  useOnlyKeyPair(accessKeyId, secretAccessKey);

  const server = new S3rver({ directory, silent: true, address: '127.0.0.1', port: Number(portArgument), vhostBuckets: false });
  // Before s3rver's router (the last middleware): refuse unsigned requests, handle the abort.
  const refuseUnsigned = async (ctx, next) => {
    if (ctx.method !== 'OPTIONS' && !isSigV4(ctx)) throw new S3Error('AccessDenied', 'Access Denied: sign every request with AWS Signature Version 4');
    return next();
  };
  server.middleware.splice(server.middleware.length - 1, 0, refuseUnsigned, abortMultipartUpload(server));
  const address = await server.run();
  process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${address.port}`, directory })}\n`);
  const stop = () => {
    server.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref(); // keep-alive sockets must not hold the stop
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => fail(error.stack ?? String(error)));
