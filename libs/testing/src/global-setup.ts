import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const root = path.resolve(__dirname, '../../..');

/**
 * Starts the in-process S3-compatible server tests share; sets TEST_S3_ENDPOINT. Once per run:
 * the medium and integration projects' setups both call it, and one server serves both.
 */
export async function startTestS3(): Promise<void> {
  const running = (globalThis as { __QUIRE_S3__?: { exitCode: number | null } }).__QUIRE_S3__;
  if (running && running.exitCode === null && process.env.TEST_S3_ENDPOINT) return;
  const server = spawn(process.execPath, [path.join(root, 'scripts/s3-server.mjs'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: server.stdout! });
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('S3 test server did not start')), 15_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { endpoint: string }).endpoint);
    });
    server.once('exit', (code) => reject(new Error(`S3 test server exited with ${code}`)));
  });
  process.env.TEST_S3_ENDPOINT = endpoint;
  (globalThis as { __QUIRE_S3__?: unknown }).__QUIRE_S3__ = server;
}

/**
 * Once per jest run: compiles the apps (tests start them as real processes) and starts the
 * in-process S3-compatible server that every test file shares (each file uses its own bucket).
 */
export default async function globalSetup(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { build } = require(path.join(root, 'scripts/build.js')) as { build: () => void };
  build();
  await startTestS3();
}
