import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@quire/testing';

export const AGENT_MAIN = path.join(REPO_ROOT, 'dist/apps/word-agent/src/main.js');

/** An unsigned token with the edit-session claims (the agent reads, never verifies, them). */
export function sessionToken(claims: { session_id: string; exp?: number; iss?: string }): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({
      typ: 'edit-session',
      user_id: 'u1',
      lab_report_id: 'r1',
      acc: 'a1',
      jti: `j-${claims.session_id}`,
      iss: 'quire',
      aud: 'quire',
      exp: Math.floor(Date.now() / 1000) + 3600,
      ...claims,
    }),
  ).toString('base64url');
  return `${header}.${payload}.c2lnbmF0dXJl`;
}

export interface AgentProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Runs the agent as a real process: by default the compiled one (dist/, built by the jest global
 * setup); `command` runs another copy, e.g. the bin of an installed package.
 */
export function runAgent(args: string[], env: Record<string, string>, command: string[] = [process.execPath, AGENT_MAIN]): AgentProcess {
  const [program, ...programArgs] = command;
  const child = spawn(program, [...programArgs, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: env.HOME ?? os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  return {
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}

/** A state folder and config path of its own for one test. */
export async function agentHome(): Promise<{ dir: string; env: Record<string, string>; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'word-agent-it-'));
  return {
    dir,
    env: {
      HOME: dir,
      QUIRE_AGENT_STATE_DIR: path.join(dir, 'state'),
      QUIRE_AGENT_CONFIG: path.join(dir, 'config.json'),
      QUIRE_AGENT_DEBOUNCE_MS: '100',
      QUIRE_AGENT_STABLE_MS: '200',
      QUIRE_AGENT_RETRY_BASE_MS: '200',
      QUIRE_AGENT_RETRY_MAX_MS: '800',
      QUIRE_AGENT_NOTIFY: '0',
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Saves the way Word does: owner file `~$…`, the new content written to a temp file in two
 * writes, the old document renamed aside, the temp renamed over it, then the leftovers removed.
 */
export async function wordStyleSave(documentPath: string, content: Buffer): Promise<void> {
  const dir = path.dirname(documentPath);
  const owner = path.join(dir, `~$${path.basename(documentPath).slice(2)}`);
  const temp = path.join(dir, '~WRL0001.tmp');
  const aside = path.join(dir, '~WRL0002.tmp');
  await writeFile(owner, 'owner');
  const half = Math.floor(content.length / 2);
  await writeFile(temp, content.subarray(0, half));
  await writeFile(temp, content, { flag: 'w' });
  await rename(documentPath, aside);
  await rename(temp, documentPath);
  await rm(aside);
  await rm(owner);
}
