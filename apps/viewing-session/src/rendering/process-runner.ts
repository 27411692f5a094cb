import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Socket } from 'node:net';

export interface RunOptions {
  timeoutMs: number;
  /** Largest stdout kept in memory; more kills the program (as execFile's maxBuffer). */
  maxBuffer?: number;
  /** Writes the program's stdout to this file instead of answering it (large images). */
  stdoutFile?: string;
}

export interface RunResult {
  stdout: Buffer;
}

/** A program exited non-zero, was killed, or could not start; `stderr` is its last lines. */
export class ProcessError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly signal: string | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

interface Reply {
  id: number;
  code: number | null;
  signal: string | null;
  stdout?: string;
  stderr: string;
  error?: string;
}

/**
 * The helper: reads one JSON request a line, runs it, answers one JSON line. Plain JavaScript
 * so that `node -e` runs it the same under ts-node, jest and the built service.
 */
const HELPER = String.raw`
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const lines = require('node:readline').createInterface({ input: process.stdin });
const answer = (reply) => process.stdout.write(JSON.stringify(reply) + '\n');
lines.on('line', (line) => {
  const r = JSON.parse(line);
  let out;
  try { out = r.stdoutFile ? fs.openSync(r.stdoutFile, 'w') : 'pipe'; } catch (e) { return answer({ id: r.id, code: null, signal: null, stderr: '', error: e.message }); }
  const child = spawn(r.file, r.args, { stdio: ['ignore', out, 'pipe'] });
  if (typeof out === 'number') fs.closeSync(out);
  const chunks = []; let size = 0; let stderr = ''; let error;
  const timer = setTimeout(() => { error = 'timed out after ' + r.timeoutMs + ' ms'; child.kill('SIGKILL'); }, r.timeoutMs);
  if (child.stdout) child.stdout.on('data', (c) => { size += c.length; if (size > r.maxBuffer) { error = 'stdout maxBuffer exceeded'; child.kill('SIGKILL'); } else chunks.push(c); });
  child.stderr.on('data', (c) => { stderr = (stderr + c.toString()).slice(-2000); });
  child.on('error', (e) => { error = e.message; });
  child.on('close', (code, signal) => {
    clearTimeout(timer);
    answer({ id: r.id, code, signal, stdout: Buffer.concat(chunks).toString('base64'), stderr, error });
  });
});
lines.on('close', () => process.exit(0));
`;

/**
 * Runs poppler's programs from a small long-lived helper process instead of from the service.
 * Forking copies the parent's page tables: from a service of 450 MB a spawn costs ≈ 20 ms of the
 * event loop, from a 40 MB helper ≈ 3 ms, and not on the service's loop (bench/README.md).
 * The helper is started on first use, replaced when it dies, and exits when the service does
 * (its stdin closes).
 */
export class ProcessRunner {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: RunResult) => void; reject: (e: Error) => void; file: string }>();

  /** `env` is the whole environment of the helper and its programs (PATH, HOME): nothing else leaks in. */
  constructor(private readonly env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin' }) {}

  async run(file: string, args: string[], options: RunOptions): Promise<RunResult> {
    const child = this.helper();
    const id = this.nextId++;
    const request = { id, file, args, timeoutMs: options.timeoutMs, maxBuffer: options.maxBuffer ?? 16 * 1024 * 1024, stdoutFile: options.stdoutFile };
    return new Promise<RunResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, file });
      this.holdOpen(true);
      child.stdin!.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** Ends the helper; calls still running fail. */
  close(): void {
    const child = this.child;
    this.child = undefined;
    child?.stdin?.end();
    this.failAll(new ProcessError('The process runner was closed', null, null, ''));
  }

  private helper(): ChildProcess {
    if (this.child && this.child.exitCode === null && !this.child.killed) return this.child;
    // Its own environment: none of the service's secrets, nor a NODE_OPTIONS that would load ts-node.
    const child = spawn(process.execPath, ['-e', HELPER], { stdio: ['pipe', 'pipe', 'inherit'], env: this.env });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => this.settle(JSON.parse(line) as Reply));
    child.stdin!.on('error', () => undefined); // a dead helper: handled by 'exit'
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
      this.failAll(new ProcessError('The process runner stopped', null, null, ''));
    });
    child.unref();
    this.holdOpen(this.pending.size > 0);
    return child;
  }

  private settle(reply: Reply): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.holdOpen(false);
    if (reply.error || reply.code !== 0) {
      const why = reply.error ?? (reply.signal ? `killed by ${reply.signal}` : `exit code ${reply.code}`);
      call.reject(new ProcessError(`${call.file} failed: ${why}${reply.stderr ? `: ${reply.stderr.trim()}` : ''}`, reply.code, reply.signal, reply.stderr));
    } else {
      call.resolve({ stdout: Buffer.from(reply.stdout ?? '', 'base64') });
    }
  }

  private failAll(error: Error): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(error);
  }

  /** The helper keeps the service alive only while a call waits on it. */
  private holdOpen(busy: boolean): void {
    const child = this.child;
    if (!child) return;
    for (const stream of [child.stdin, child.stdout] as unknown as Socket[]) {
      if (busy) stream?.ref?.();
      else stream?.unref?.();
    }
    if (busy) child.ref();
    else child.unref();
  }
}
