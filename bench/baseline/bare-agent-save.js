// The floor of the agent save (bench/agent-upload.js): the same save with no framework. A bare
// Node http server parses the multipart body with @fastify/busboy (what @fastify/multipart, and
// so the gateway, uses), streams each file part to S3 with the SDK's `Upload` (5 MiB parts, 4 in
// flight, as the gateway) while counting and hashing it (sha256), and answers once both are
// stored. No auth, no reservation, no commit, no checks: what receiving two files into S3 costs
// on this machine whatever the code. Usage:
//   node bench/baseline/bare-agent-save.js <s3 endpoint> <bucket>
// Prints {"url": ...} once listening; POST /save/<prefix> stores <prefix>/<field>. POST
// /unsigned/<prefix> does the same with the parts' payload marked UNSIGNED-PAYLOAD (the SDK's
// signer then does not hash each part a second time), as the gateway's ObjectUpload does.
'use strict';
const http = require('node:http');
const { createHash } = require('node:crypto');
const { PassThrough } = require('node:stream');
const Busboy = require('@fastify/busboy');
const { S3Client } = require('@aws-sdk/client-s3');
const { Upload } = require('@aws-sdk/lib-storage');

const MB = 1024 * 1024;
const [endpoint, bucket] = process.argv.slice(2);
const client = () =>
  new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
const signed = client();
const unsigned = client();
unsigned.middlewareStack.add(
  (next, context) => (args) => {
    if (context.commandName === 'UploadPartCommand' || context.commandName === 'PutObjectCommand') args.request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    return next(args);
  },
  { step: 'build', name: 'benchUnsignedPayload' },
);

function answer(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const server = http.createServer((req, res) => {
  const [, mode, ...rest] = req.url.split('/');
  const s3 = mode === 'unsigned' ? unsigned : signed;
  const prefix = rest.join('/');
  const stored = [];
  let busboy;
  try {
    busboy = new Busboy({ headers: req.headers, limits: { files: 2, fileSize: 100 * MB + 1 } });
  } catch (error) {
    return answer(res, 400, { error: String(error) });
  }
  busboy.on('file', (field, file, fileName, _encoding, mimetype) => {
    const hash = createHash('sha256');
    let size = 0;
    const body = new PassThrough();
    file.on('data', (chunk) => {
      size += chunk.length;
      hash.update(chunk);
    });
    file.pipe(body);
    const upload = new Upload({
      client: s3,
      params: { Bucket: bucket, Key: `${prefix}/${field}`, Body: body, ContentType: mimetype },
      partSize: 5 * MB,
      queueSize: 4,
    });
    stored.push(upload.done().then(() => ({ field, fileName, size, sha256: hash.digest('hex') })));
  });
  busboy.on('error', (error) => answer(res, 400, { error: String(error) }));
  busboy.on('finish', () => {
    Promise.all(stored).then(
      (files) => answer(res, 200, { created: true, files }),
      (error) => answer(res, 503, { error: String(error) }),
    );
  });
  req.pipe(busboy);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
