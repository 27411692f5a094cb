import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { waitFor } from './wait';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const children = new Set<ChildProcess>();
// A test that fails half-way must not leave apps behind: kill whatever is still running on exit.
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

export interface RunningApp {
  name: string;
  port: number;
  url: string;
  /** The app's Prometheus endpoint (its own METRICS_PORT, not the HTTP port); undefined when METRICS_PORT=0. */
  metricsUrl: string | undefined;
  process: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a compiled app (dist/, built by the jest global setup) as its own process and waits until
 * its /health/ready answers 200.
 */
export async function startApp(name: string, env: Record<string, string>, timeoutMs = 30_000): Promise<RunningApp> {
  const port = await freePort();
  // Every app gets a metrics port of its own unless the test chose one (0: none).
  let metricsPort = env.METRICS_PORT !== undefined ? Number(env.METRICS_PORT) : await freePort();
  while (metricsPort === port) metricsPort = await freePort();
  const entry = path.join(REPO_ROOT, 'dist/apps', name, 'src/main.js');
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const app: RunningApp = {
    name,
    port,
    url,
    metricsUrl: metricsPort ? `http://127.0.0.1:${metricsPort}/metrics` : undefined,
    process: child,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const [code] = (await exited) as [number | null];
      clearTimeout(timer);
      return code;
    },
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
        const response = await fetch(`${url}/health/ready`).catch(() => undefined);
        return response?.status === 200;
      },
      { timeoutMs, intervalMs: 100, description: `${name} to be ready` },
    );
  } catch (error) {
    await app.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${output}`);
  }
  return app;
}
