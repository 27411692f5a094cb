import { ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { UNO_BRIDGE_SCRIPT } from '@quire/office';
import { ConversionFailedError, ConversionTimeoutError, ConverterBusyError } from './errors';

export interface LibreOfficePoolOptions {
  sofficePath: string;
  /** A Python that has LibreOffice's `uno` module (/usr/bin/python3 on Debian). */
  pythonPath: string;
  /** Parent folder of the workers' profiles and temp folders; removed by close(). */
  workDir: string;
  size: number;
  /** Restart a worker after this many conversions (LibreOffice leaks memory). */
  maxConversionsPerWorker: number;
  /** Restart a worker whose soffice process tree (RSS, from /proc) grew past this; 0 = never. */
  maxRssBytes?: number;
  timeoutMs: number;
  /** Jobs waiting beyond the running ones; one more is refused with ConverterBusyError. */
  maxQueue: number;
  /** The children's environment (PATH, HOME…), from the service's env class; TMPDIR is added. */
  env: Record<string, string>;
}

export const CONVERTIBLE_EXTENSIONS = ['docx', 'odt', 'rtf', 'txt', 'doc', 'xlsx', 'pptx'] as const;

const HEADLESS_FLAGS = ['--headless', '--invisible', '--nologo', '--norestore', '--nolockcheck', '--nodefault'];
/** soffice's exit code after it created a new profile and asks to be started again. */
const EXIT_RESTART_REQUESTED = 81;

interface Job {
  input: string;
  output: string;
  resolve: () => void;
  reject: (error: unknown) => void;
  attempts: number;
}

interface Reply {
  id?: number;
  ready?: boolean;
  ok?: boolean;
  error?: string;
}

function killGroup(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!child || child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** A LibreOffice listening on a private pipe with its own profile, driven by one UNO bridge. */
class Worker {
  soffice: ChildProcess | undefined;
  private bridge: ChildProcess | undefined;
  private replies: AsyncIterator<string> | undefined;
  private starting: Promise<void> | undefined;
  private nextId = 1;
  conversions = 0;
  busy = false;
  /** Set when soffice died while not being stopped by us: the running job may be retried. */
  crashed = false;

  constructor(
    private readonly index: number,
    private readonly options: LibreOfficePoolOptions,
  ) {}

  private get profileDir(): string {
    return path.join(this.options.workDir, `profile-${this.index}`);
  }

  private get tempDir(): string {
    return path.join(this.options.workDir, `tmp-${this.index}`);
  }

  get pid(): number | undefined {
    return this.soffice?.pid;
  }

  start(): Promise<void> {
    // A worker whose soffice died while idle (killed, OOM) is replaced on its next start.
    if (this.crashed && this.starting) this.stop();
    this.starting ??= this.startNow().catch((error: unknown) => {
      this.stop();
      throw error;
    });
    return this.starting;
  }

  async convert(input: string, output: string): Promise<void> {
    await this.start();
    const id = this.nextId++;
    const line = `${JSON.stringify({ id, in: input, out: output })}\n`;
    await new Promise<void>((resolve, reject) =>
      this.bridge!.stdin!.write(line, (error) => (error ? reject(new WorkerDiedError()) : resolve())),
    );
    const reply = await this.nextReply(this.options.timeoutMs);
    this.conversions += 1;
    if (reply.id !== id || !reply.ok) {
      // LibreOffice killed under the job: the bridge may answer the failed call before soffice's
      // exit is seen. That is the worker dying (the job runs again), not the document failing.
      if (await this.sofficeDied(250)) throw new WorkerDiedError();
      throw new ConversionFailedError(reply.error ?? 'unexpected reply');
    }
    const stat = await fs.stat(output).catch(() => undefined);
    if (!stat || stat.size === 0) throw new ConversionFailedError('LibreOffice wrote no PDF');
  }

  /** Whether soffice has exited, or exits within `graceMs`. */
  private sofficeDied(graceMs: number): Promise<boolean> {
    const soffice = this.soffice;
    if (this.crashed || !soffice || soffice.exitCode !== null || soffice.signalCode !== null) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        soffice.off('exit', exited);
        resolve(this.crashed);
      }, graceMs);
      const exited = () => {
        clearTimeout(timer);
        resolve(true);
      };
      soffice.once('exit', exited);
    });
  }

  stop(): void {
    this.starting = undefined;
    this.replies = undefined;
    const { bridge, soffice } = this;
    this.bridge = undefined;
    this.soffice = undefined;
    this.conversions = 0;
    killGroup(bridge);
    killGroup(soffice);
  }

  private async startNow(): Promise<void> {
    this.crashed = false;
    await fs.mkdir(this.tempDir, { recursive: true });
    const pipe = `quire-viewing-${process.pid}-${this.index}-${Date.now()}`;
    this.spawnSoffice(pipe, 0);
    this.bridge = this.spawnChild(this.options.pythonPath, ['-c', UNO_BRIDGE_SCRIPT, pipe, String(Math.ceil(this.options.timeoutMs / 1000))]);
    const bridge = this.bridge;
    bridge.once('exit', () => {
      if (this.bridge === bridge) this.crashed = true;
    });
    this.replies = createInterface({ input: bridge.stdout! })[Symbol.asyncIterator]();
    let errors = '';
    bridge.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-1000)));
    const ready = await this.nextReply(this.options.timeoutMs).catch((error: Error) => ({ ready: false, error: `${error.message} ${errors}` }) as Reply);
    if (!ready.ready) throw new ConversionFailedError(`LibreOffice did not start: ${ready.error ?? errors}`.trim());
  }

  private spawnSoffice(pipe: string, restarts: number): void {
    const soffice = this.spawnChild(this.options.sofficePath, [
      ...HEADLESS_FLAGS,
      `-env:UserInstallation=${pathToFileURL(this.profileDir).href}`,
      `--accept=pipe,name=${pipe};urp;StarOffice.ComponentContext`,
    ]);
    this.soffice = soffice;
    soffice.once('exit', (code) => {
      if (this.soffice !== soffice) return;
      // A first start on a new profile may exit 81 and expects to be started again; the bridge
      // keeps retrying its connection meanwhile.
      if (code === EXIT_RESTART_REQUESTED && restarts < 3) return this.spawnSoffice(pipe, restarts + 1);
      this.crashed = true;
      killGroup(this.bridge);
    });
  }

  private spawnChild(command: string, args: string[]): ChildProcess {
    const env = { ...this.options.env, TMPDIR: this.tempDir, TMP: this.tempDir, TEMP: this.tempDir };
    // Own process group: a timeout kills soffice.bin too, not only the oosplash wrapper.
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    child.on('error', () => {
      this.crashed = true;
    });
    // A write to a child that just died fails with EPIPE: that is the worker dying, not the job.
    child.stdin?.on('error', () => {
      this.crashed = true;
    });
    child.stdout?.resume();
    return child;
  }

  private async nextReply(timeoutMs: number): Promise<Reply> {
    const replies = this.replies;
    if (!replies) throw new ConversionFailedError('LibreOffice bridge is not running');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ConversionTimeoutError(timeoutMs)), timeoutMs);
    });
    try {
      const next = await Promise.race([replies.next(), timeout]);
      if (next.done) throw new WorkerDiedError();
      return JSON.parse(next.value) as Reply;
    } finally {
      clearTimeout(timer);
    }
  }
}

class WorkerDiedError extends Error {}

/**
 * N warm LibreOffice processes (one document at a time each: a listener does not convert in
 * parallel), a bounded FIFO queue in front of them. A worker that times out is killed (its
 * process group) and started again for the next job; a worker that dies under a job is replaced
 * and the job runs once more on the new process.
 */
export class LibreOfficePool {
  private readonly workers: Worker[];
  private readonly queue: Job[] = [];
  private closed = false;
  /** Conversions finished and workers restarted for their memory (metrics, tests). */
  conversionsDone = 0;
  memoryRestarts = 0;

  constructor(private readonly options: LibreOfficePoolOptions) {
    this.workers = Array.from({ length: options.size }, (_, index) => new Worker(index, options));
  }

  /** Starts every worker now rather than on its first job. */
  async warmUp(): Promise<void> {
    await fs.mkdir(this.options.workDir, { recursive: true });
    await Promise.all(this.workers.map((worker) => worker.start()));
  }

  /** Converts `input` (docx/odt/rtf/txt/doc) to the PDF `output`; both absolute paths. */
  convert(input: string, output: string): Promise<void> {
    if (this.closed) return Promise.reject(new ConverterBusyError(this.queue.length));
    const idle = this.workers.some((worker) => !worker.busy);
    if (!idle && this.queue.length >= this.options.maxQueue) return Promise.reject(new ConverterBusyError(this.queue.length));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ input, output, resolve, reject, attempts: 0 });
      this.dispatch();
    });
  }

  /** The soffice pid of each started worker (for tests and diagnostics). */
  workerPids(): number[] {
    return this.workers.map((worker) => worker.pid).filter((pid): pid is number => pid !== undefined);
  }

  get size(): number {
    return this.workers.length;
  }

  /** RSS of each started worker's soffice process tree, bytes. */
  async workerRss(): Promise<number[]> {
    return Promise.all(this.workerPids().map((pid) => processTreeRss(pid)));
  }

  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new ConverterBusyError(0));
    for (const worker of this.workers) worker.stop();
    await fs.rm(this.options.workDir, { recursive: true, force: true });
  }

  private dispatch(): void {
    for (const worker of this.workers) {
      if (worker.busy) continue;
      const job = this.queue.shift();
      if (!job) return;
      void this.run(worker, job);
    }
  }

  private async run(worker: Worker, job: Job): Promise<void> {
    worker.busy = true;
    try {
      await fs.mkdir(this.options.workDir, { recursive: true });
      await worker.convert(job.input, job.output);
      this.conversionsDone += 1;
      if (worker.conversions >= this.options.maxConversionsPerWorker) worker.stop();
      else if (this.options.maxRssBytes && worker.pid && (await processTreeRss(worker.pid)) > this.options.maxRssBytes) {
        this.memoryRestarts += 1;
        worker.stop();
      }
      job.resolve();
    } catch (error) {
      const died = error instanceof WorkerDiedError || worker.crashed;
      worker.stop();
      if (died && !(error instanceof ConversionTimeoutError) && job.attempts === 0 && !this.closed) {
        job.attempts += 1;
        this.queue.unshift(job);
      } else {
        job.reject(error instanceof WorkerDiedError ? new ConversionFailedError('LibreOffice exited during the conversion') : error);
      }
    } finally {
      worker.busy = false;
      if (!this.closed) this.dispatch();
    }
  }
}

/**
 * Resident memory of a process and all its descendants (oosplash → soffice.bin), from /proc:
 * children found by the parent pid field of /proc/<pid>/stat. 0 where /proc is absent.
 */
export async function processTreeRss(rootPid: number): Promise<number> {
  let entries: string[];
  try {
    entries = (await fs.readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  const pageSize = 4096;
  await Promise.all(
    entries.map(async (name) => {
      try {
        const stat = await fs.readFile(`/proc/${name}/stat`, 'utf8');
        // Fields after the command (which may hold spaces) start after the last ')'.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        parents.set(Number(name), Number(fields[1]));
        rss.set(Number(name), Number(fields[21]) * pageSize);
      } catch {
        // the process ended meanwhile
      }
    }),
  );
  let total = 0;
  const pending = [rootPid];
  const seen = new Set<number>();
  while (pending.length) {
    const pid = pending.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += rss.get(pid) ?? 0;
    for (const [child, parent] of parents) if (parent === pid) pending.push(child);
  }
  return total;
}
