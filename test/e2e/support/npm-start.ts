import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, REPO_ROOT, waitFor } from '@quire/testing';

/** `npm start` (scripts/start.js) as a developer runs it, for the e2e tests that drive it. */

export const PORT_VARIABLES: Record<string, string> = {
  gateway: 'GATEWAY_PORT',
  identity: 'IDENTITY_PORT',
  'edit-session': 'EDIT_SESSION_PORT',
  file: 'FILE_PORT',
  'document-repository': 'DOCUMENT_REPOSITORY_PORT',
  'viewing-session': 'VIEWING_SESSION_PORT',
};
export const START_DEADLINE_MS = 150_000;

/** Parent pid of a process, from /proc (undefined once it is gone). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Every live process below `root` (children, their children, ...). */
export function descendantsOf(root: number): number[] {
  const pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length) {
    const next = pids.filter((pid) => frontier.includes(parentOf(pid) ?? -1));
    found.push(...next);
    frontier = next;
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export interface StartRun {
  process: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every process it started, as seen when asked (recorded for the clean-up check). */
  descendants: () => number[];
  /** Makes sure nothing is left behind, whatever the test did. */
  cleanUp: () => Promise<void>;
}

export async function appPorts(): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const variable of Object.values(PORT_VARIABLES)) env[variable] = String(await freePort());
  return env;
}

export function urlOf(env: Record<string, string>, app: string): string {
  return `http://127.0.0.1:${env[PORT_VARIABLES[app]]}`;
}

export function launch(env: Record<string, string>): StartRun {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/start.js')], {
    cwd: REPO_ROOT,
    // Only what the test chooses: a developer's DATABASE_URL & co. must not leak in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const seen = new Set<number>();
  const descendants = () => {
    for (const pid of descendantsOf(child.pid!)) seen.add(pid);
    return [...seen];
  };
  return {
    process: child,
    output: () => output,
    exited,
    descendants,
    async cleanUp() {
      if (child.exitCode === null && child.signalCode === null) {
        descendants();
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        await exited;
        clearTimeout(timer);
      }
      for (const pid of seen) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    },
  };
}

export async function waitForOutput(run: StartRun, pattern: RegExp, timeoutMs = START_DEADLINE_MS): Promise<void> {
  const exitedFirst = run.exited.then(({ code, signal }) => {
    throw new Error(`npm start exited (${code ?? signal}) before printing ${pattern}`);
  });
  exitedFirst.catch(() => undefined); // only the race below reports it
  try {
    await Promise.race([
      waitFor(() => pattern.test(run.output()), { timeoutMs, intervalMs: 200, description: `npm start to print ${pattern}` }),
      exitedFirst,
    ]);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- npm start output ---\n${run.output()}`);
  }
}

export async function exitWithin(run: StartRun, timeoutMs: number) {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`npm start did not exit within ${timeoutMs} ms:\n${run.output()}`)), timeoutMs).unref(),
  );
  return Promise.race([run.exited, timeout]);
}

export async function expectAllReady(env: Record<string, string>): Promise<void> {
  const statuses = await Promise.all(
    Object.keys(PORT_VARIABLES).map(async (app) => [app, (await fetch(`${urlOf(env, app)}/health/ready`)).status]),
  );
  expect(Object.fromEntries(statuses)).toEqual(Object.fromEntries(Object.keys(PORT_VARIABLES).map((app) => [app, 200])));
}
