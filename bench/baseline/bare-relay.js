// The floor of (d): a bare Node relay with no framework. GET /sdk streams the object through an
// SDK GetObject, GET /plain pipes an http.get of a presigned URL. Usage:
//   node bench/baseline/bare-relay.js <s3 endpoint> <bucket> <key> <presigned url>
// Prints {"url": ...} once listening.
'use strict';
const http = require('node:http');
const { pipeline } = require('node:stream/promises');
const { S3Client, GetObjectCommand } = require('@aws-sdk/client-s3');

const [endpoint, bucket, key, presigned] = process.argv.slice(2);
const s3 = new S3Client({
  region: 'us-east-1',
  endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const server = http.createServer(async (req, res) => {
  if (req.url === '/plain') {
    http.get(presigned, (upstream) => {
      res.writeHead(200, { 'content-length': upstream.headers['content-length'] });
      upstream.pipe(res);
    });
    return;
  }
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  res.writeHead(200, { 'content-length': String(out.ContentLength) });
  await pipeline(out.Body, res).catch(() => undefined);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
