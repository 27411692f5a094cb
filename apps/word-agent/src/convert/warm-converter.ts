import { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
import { UNO_BRIDGE_SCRIPT } from '@quire/office';
import { ConversionError, PdfConverter, SerialRunner } from './pdf-converter';
import { HEADLESS_FLAGS, killGroup, profileArgument, spawnGroup } from './soffice-process';

interface Reply {
  id?: number;
  ready?: boolean;
  ok?: boolean;
  error?: string;
}

/**
 * Keeps one LibreOffice running (`--accept` on a named pipe) and converts through a small Python
 * UNO client: a 1-page save converts in tens of ms instead of ≈ 1.2 s. One document at a time; a
 * crash or a timeout kills both processes and the next conversion starts them again.
 */
export class WarmConverter implements PdfConverter {
  readonly kind = 'warm' as const;
  private readonly serial = new SerialRunner();
  private soffice: ChildProcess | undefined;
  private bridge: ChildProcess | undefined;
  private replies: AsyncIterator<string> | undefined;
  private starting: Promise<void> | undefined;
  private nextId = 1;
  private closing = false;

  constructor(
    private readonly sofficePath: string,
    private readonly pythonPath: string,
    private readonly profileDir: string,
    private readonly timeoutMs: number,
  ) {}

  /** Starts LibreOffice and the bridge (idempotent); rejects when either cannot start. */
  start(): Promise<void> {
    this.starting ??= this.startNow().catch((error: unknown) => {
      this.stopProcesses();
      throw error;
    });
    return this.starting;
  }

  convert(docxPath: string, pdfPath: string): Promise<void> {
    return this.serial.run(async () => {
      await this.start();
      const id = this.nextId++;
      try {
        this.bridge!.stdin!.write(`${JSON.stringify({ id, in: docxPath, out: pdfPath })}\n`);
        const reply = await this.nextReply(this.timeoutMs);
        if (reply.id !== id || !reply.ok) throw new ConversionError(`LibreOffice (warm) failed: ${reply.error ?? 'unexpected reply'}`);
      } catch (error) {
        this.stopProcesses();
        throw error instanceof ConversionError ? error : new ConversionError(String(error));
      }
      const stat = await fs.stat(pdfPath).catch(() => undefined);
      if (!stat || stat.size === 0) throw new ConversionError('LibreOffice (warm) wrote no PDF');
    });
  }

  /** Asks LibreOffice to quit (it then removes its pipe and profile locks); kills it after 5 s. */
  async close(): Promise<void> {
    const { soffice, bridge } = this;
    this.closing = true;
    if (bridge?.stdin?.writable) bridge.stdin.end(`${JSON.stringify({ quit: true })}\n`);
    if (soffice && soffice.exitCode === null && soffice.signalCode === null) {
      const exited = new Promise((resolve) => soffice.once('exit', resolve));
      const timer = setTimeout(() => killGroup(soffice, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    this.stopProcesses();
    await fs.rm(this.profileDir, { recursive: true, force: true });
    await fs.rm(this.tempDir, { recursive: true, force: true });
  }

  private get tempDir(): string {
    return `${this.profileDir}-tmp`;
  }

  private async startNow(): Promise<void> {
    const pipe = `quire-word-agent-${process.pid}-${Date.now()}`;
    await fs.mkdir(this.tempDir, { recursive: true });
    this.soffice = spawnGroup(this.sofficePath, [
      ...HEADLESS_FLAGS,
      profileArgument(this.profileDir),
      `--accept=pipe,name=${pipe};urp;StarOffice.ComponentContext`,
    ], this.tempDir);
    const onTrouble = () => {
      if (!this.closing) this.stopProcesses();
    };
    this.soffice.once('exit', onTrouble);
    this.soffice.on('error', onTrouble);
    this.bridge = spawnGroup(this.pythonPath, ['-c', UNO_BRIDGE_SCRIPT, pipe, String(Math.ceil(this.timeoutMs / 1000))]);
    this.bridge.on('error', onTrouble);
    this.bridge.once('exit', onTrouble);
    this.replies = createInterface({ input: this.bridge.stdout! })[Symbol.asyncIterator]();
    let errors = '';
    this.bridge.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-1000)));
    const ready = await this.nextReply(this.timeoutMs).catch((error: Error) => ({ ready: false, error: `${error.message} ${errors}` }) as Reply);
    if (!ready.ready) throw new ConversionError(`Warm LibreOffice did not start: ${ready.error ?? errors}`.trim());
  }

  private async nextReply(timeoutMs: number): Promise<Reply> {
    const replies = this.replies;
    if (!replies) throw new ConversionError('LibreOffice bridge is not running');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ConversionError(`LibreOffice (warm) did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const next = await Promise.race([replies.next(), timeout]);
      if (next.done) throw new ConversionError('LibreOffice bridge exited');
      return JSON.parse(next.value) as Reply;
    } finally {
      clearTimeout(timer);
    }
  }

  private stopProcesses(): void {
    this.starting = undefined;
    this.replies = undefined;
    const { bridge, soffice } = this;
    this.bridge = undefined;
    this.soffice = undefined;
    if (bridge) killGroup(bridge, 'SIGTERM');
    if (soffice) killGroup(soffice, 'SIGTERM');
  }
}
