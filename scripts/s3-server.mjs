#!/usr/bin/env node
// An in-process S3-compatible server (fauxqs, in memory) for tests and `npm start` on a machine
// without MinIO. Usage: node scripts/s3-server.mjs [port]  (0 picks a free port). Prints one JSON
// line {"endpoint": "..."} once it listens; stops on SIGTERM / SIGINT.
import { startFauxqs } from 'fauxqs';

const port = Number(process.argv[2] ?? process.env.S3_PORT ?? 0);
const server = await startFauxqs({ port, host: '127.0.0.1', logger: false });
process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${server.port}` })}\n`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
