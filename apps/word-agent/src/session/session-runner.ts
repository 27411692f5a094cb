import { promises as fs } from 'node:fs';
import { AgentSettings } from '../config/agent-config';
import { PdfConverter } from '../convert/pdf-converter';
import { isCompleteDocx } from '../docx/docx-check';
import { AgentLog } from '../logging/agent-log';
import { copyFileDurably } from '../state/durable-file';
import { sha256File } from '../state/file-hash';
import { SessionPaths, SessionRecord, SessionStatus, writeSessionRecord, writeSessionStatus } from '../state/session-store';
import { backoffDelayMs } from '../upload/backoff';
import { UploadOutcome, uploadVersion } from '../upload/upload-client';
import { QueuedUpload, UploadQueue } from '../upload/upload-queue';
import { SaveWatcher } from '../watch/save-watcher';
import { CoalescedTask } from '../tasks/coalesced-task';
import { KeepaliveOutcome, sendKeepalive } from '../upload/keepalive-client';
import { KeepAlive } from './keep-alive';

/** Longest single timer (setTimeout overflows past 2^31 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How often a document Word keeps locked is tried again (every stableMs) before giving up. */
const MAX_LOCKED_RETRIES = 20;
/** One keepalive attempt (a tiny request; a slow answer is trouble, tried again at the next tick). */
const KEEPALIVE_TIMEOUT_MS = 30_000;

type SessionRefusal = Extract<KeepaliveOutcome, { kind: 'session-over' }>;

/**
 * One edit session on this PC: watches the document, turns each settled save into a queued
 * version (docx copy + PDF), and delivers the queue in order. Saves that arrive while one is being
 * prepared collapse into one more; the queue keeps at most one version behind the upload in flight.
 */
export class SessionRunner {
  /** Resolves when the runner stops; `ended`: the session is over for good (server refusal, expiry). */
  readonly done: Promise<{ reason: string; ended: boolean }>;
  private resolveDone!: (result: { reason: string; ended: boolean }) => void;
  private readonly queue: UploadQueue;
  private readonly watcher: SaveWatcher;
  private readonly stopping = new AbortController();
  private readonly preparation: CoalescedTask;
  private readonly delivery: CoalescedTask;
  private readonly keepAlive: KeepAlive;
  /** Set when a keepalive said the session is over: uploads still pending try once more, then stop. */
  private refusal: SessionRefusal | undefined;
  /** Cuts short a delivery waiting for its next retry (the keepalive said the session is over). */
  private readonly hurry = new AbortController();
  /** status.json writes, one after the other (uploads and keepalives update it independently). */
  private statusWrites: Promise<void> = Promise.resolve();
  private expiryTimer: NodeJS.Timeout | undefined;
  private lockedRetries = 0;
  private status: SessionStatus;

  constructor(
    private readonly settings: AgentSettings,
    private readonly paths: SessionPaths,
    private record: SessionRecord,
    private readonly converter: PdfConverter,
    private readonly log: AgentLog,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.queue = new UploadQueue(paths.queue);
    this.preparation = new CoalescedTask(
      () => this.prepareVersion(),
      // Stopping kills a conversion in progress: that is not the user's problem.
      (error) => this.stopped || this.log.tell(`Could not prepare the saved document: ${error.message}`, 'error'),
    );
    this.delivery = new CoalescedTask(
      () => this.deliverQueue(),
      (error) => this.log.error('delivery failed', { error: error.message }),
    );
    this.watcher = new SaveWatcher(this.documentPath, settings, () => void this.preparation.kick());
    this.keepAlive = new KeepAlive({
      intervalMs: settings.keepaliveMs,
      maxRetryAfterMs: settings.maxRetryAfterMs,
      send: (signal) =>
        sendKeepalive({ serverUrl: this.record.serverUrl, editId: this.record.editId, token: this.record.token, timeoutMs: KEEPALIVE_TIMEOUT_MS, signal }),
      onRenewed: (expiresAt) => this.leaseRenewed(expiresAt),
      onSessionOver: (refusal) => this.keepaliveRefused(refusal),
      onTrouble: (message) => this.log.warn('keepalive failed; trying again at the next one', { editId: this.record.editId, message }),
      onRateLimited: (delayMs) => this.log.warn('keepalive rate limited', { editId: this.record.editId, delayMs }),
      onRecovered: () => this.log.info('keepalive accepted again', { editId: this.record.editId }),
      onUnsupported: (outcome) =>
        this.log.warn('the server has no keepalive route (404 to the first keepalive); relying on uploads to keep the session', {
          editId: this.record.editId,
          message: outcome.message,
        }),
    });
    this.status = { watching: false };
  }

  get documentPath(): string {
    return this.paths.document(this.record.documentName);
  }

  async start(previous: SessionStatus): Promise<void> {
    this.status = { ...previous, watching: true, pid: process.pid };
    await fs.mkdir(this.paths.queue, { recursive: true, mode: 0o700 });
    await this.queue.sweepIncoming();
    await this.saveStatus('watching');
    await this.watcher.start();
    // The lease is renewed from the moment watching starts (then every keepaliveMs).
    this.keepAlive.start();
    if (this.record.expiresAt !== undefined) {
      const left = this.record.expiresAt - Date.now();
      this.expiryTimer = setTimeout(() => void this.expire(), Math.min(Math.max(left, 0), MAX_TIMER_MS));
    }
    this.log.info('session started', { editId: this.record.editId, document: this.documentPath });
    // Changes saved while no agent was running, and versions queued before a restart.
    void this.preparation.kick();
    void this.delivery.kick();
  }

  async stop(reason: string, ended = false): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    this.watcher.stop();
    this.keepAlive.stop();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.status.watching = false;
    await this.saveStatus(reason);
    this.log.info('session stopped', { editId: this.record.editId, reason });
    this.resolveDone({ reason, ended });
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Turns the document as saved into a queued version (copy, checks, PDF). */
  private async prepareVersion(): Promise<void> {
    if (this.stopped) return;
    const incoming = await this.queue.incoming();
    let committed = false;
    try {
      // Work on a copy: Word may write the document again while LibreOffice reads it.
      if (!(await this.copyDocument(incoming.docxPath))) return;
      const sha = await sha256File(incoming.docxPath);
      if (sha === this.record.lastQueuedSha256 || sha === (await this.queue.newestSha256())) return;
      if (!(await isCompleteDocx(incoming.docxPath))) {
        this.log.info('saved file is not a complete .docx yet; waiting for the next save', { editId: this.record.editId });
        return;
      }
      const started = Date.now();
      await this.converter.convert(incoming.docxPath, incoming.pdfPath);
      if (this.stopped) return;
      await this.queue.commit(incoming, { docxSha256: sha, savedAt: new Date().toISOString() });
      committed = true;
      this.record = { ...this.record, lastQueuedSha256: sha };
      await writeSessionRecord(this.paths, this.record);
      this.log.info('version queued', { editId: this.record.editId, convertMs: Date.now() - started, converter: this.converter.kind });
    } finally {
      if (!committed) await this.queue.discard(incoming);
    }
    void this.delivery.kick();
  }

  /**
   * Copies the document; false when Word still holds it locked (Windows: EBUSY / EPERM), in which
   * case the preparation runs again shortly — no further file event may come to trigger it.
   */
  private async copyDocument(target: string): Promise<boolean> {
    try {
      await copyFileDurably(this.documentPath, target);
      this.lockedRetries = 0;
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!['EBUSY', 'EPERM', 'EACCES'].includes(code) || this.lockedRetries >= MAX_LOCKED_RETRIES) throw error;
      this.lockedRetries++;
      this.log.info('document locked; trying again', { editId: this.record.editId, code });
      setTimeout(() => void this.preparation.kick(), this.settings.stableMs).unref();
      return false;
    }
  }

  /** Sends queued versions oldest first, retrying the head until it is settled one way or another. */
  private async deliverQueue(): Promise<void> {
    let attempt = 0;
    try {
      for (;;) {
        if (this.stopped) return;
        const upload = await this.queue.takeNext();
        if (!upload) return;
        const outcome = await uploadVersion({
          serverUrl: this.record.serverUrl,
          editId: this.record.editId,
          token: this.record.token,
          docxPath: upload.docxPath,
          pdfPath: upload.pdfPath,
          documentName: this.record.documentName,
          idempotencyKey: `${this.record.editId}-${upload.docxSha256}`,
          timeoutMs: this.settings.uploadTimeoutMs,
          // Stopping aborts an upload in flight; the version stays queued for the next start.
          signal: this.stopping.signal,
        });
        // An upload aborted by stopping is not an outage to report; a delivered one is still recorded.
        if (this.stopped && outcome.kind !== 'delivered') return;
        // A keepalive said the session is over and this try did not settle it: no more waiting (the
        // keepalive's refusal ends the session once delivery is idle).
        if (this.refusal && (outcome.kind === 'retry' || outcome.kind === 'rate-limited')) {
          this.log.info('upload not settled after the keepalive refusal; giving up', { editId: this.record.editId, status: outcome.status });
          return;
        }
        const next = await this.handle(upload, outcome, attempt);
        if (next === 'stop') return;
        attempt = next === 'next' ? 0 : attempt + 1;
      }
    } finally {
      await this.queue.release();
    }
  }

  private async handle(upload: QueuedUpload, outcome: UploadOutcome, attempt: number): Promise<'next' | 'again' | 'stop'> {
    const at = new Date().toISOString();
    switch (outcome.kind) {
      case 'delivered': {
        await this.queue.remove(upload);
        this.status.lastUpload = {
          at,
          ok: true,
          status: outcome.status,
          message: outcome.body.message ?? 'uploaded',
          wordS3Path: outcome.body.word_s3_path,
          pdfS3Path: outcome.body.pdf_s3_path,
        };
        await this.saveStatus('uploaded');
        this.log.tell(`Saved to Quire (${this.record.documentName}).`);
        return 'next';
      }
      case 'retry': {
        const delay = backoffDelayMs(attempt, { baseMs: this.settings.retryBaseMs, maxMs: this.settings.retryMaxMs });
        this.status.lastUpload = { at, ok: false, status: outcome.status, message: `${outcome.message}; retrying` };
        await this.saveStatus('waiting for the server');
        const line = `Quire is not reachable (${outcome.message}); the save is kept and will be sent (retry in ${Math.ceil(delay / 1000)} s).`;
        // Once per outage on the terminal; every retry in the log.
        if (attempt === 0) this.log.tell(line, 'warn');
        else this.log.warn(line);
        await this.sleep(delay);
        return 'again';
      }
      case 'rate-limited': {
        const delay = Math.min(
          outcome.retryAfterMs ?? backoffDelayMs(attempt, { baseMs: this.settings.retryBaseMs, maxMs: this.settings.retryMaxMs }),
          this.settings.maxRetryAfterMs,
        );
        this.status.lastUpload = { at, ok: false, status: 429, message: `rate limited; retry in ${delay} ms` };
        await this.saveStatus('rate limited');
        this.log.warn('rate limited', { editId: this.record.editId, delayMs: delay });
        await this.sleep(delay);
        return 'again';
      }
      case 'session-over': {
        this.status.lastUpload = { at, ok: false, status: outcome.status, message: outcome.message };
        await this.sessionOver(outcome.status, outcome.message);
        return 'stop';
      }
      case 'rejected': {
        await this.queue.remove(upload);
        this.status.lastUpload = { at, ok: false, status: outcome.status, message: outcome.message };
        await this.end(`the server refused the file (${outcome.status}: ${outcome.message})`);
        this.log.alert(`Quire refused the saved document: ${outcome.message}. Watching stopped; your copy stays at ${this.documentPath}.`);
        return 'stop';
      }
    }
  }

  /** The server says the session is over (ended, expired, taken over): stop, drop the queue, tell the user. */
  private async sessionOver(status: number, message: string): Promise<void> {
    await this.queue.clear();
    await this.end(`the server refused the session (${status}: ${message})`);
    this.log.alert(
      `This Word editing session is over (${message}). Changes are no longer sent; your copy stays at ${this.documentPath}. ` +
        'Open the report in Quire again to continue.',
    );
  }

  private async leaseRenewed(expiresAt: number | undefined): Promise<void> {
    if (this.stopped) return;
    this.status.lastKeepalive = { at: new Date().toISOString(), expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt).toISOString() };
    await this.saveStatus();
  }

  /**
   * A keepalive was refused (401/403/404/410). A save being prepared or queued may still reach the
   * server (a 403 to a keepalive must not drop it unseen): let it try first. If its upload is
   * refused too, the upload path ends the session; otherwise the keepalive's refusal does.
   */
  private async keepaliveRefused(refusal: SessionRefusal): Promise<void> {
    if (this.stopped) return;
    this.log.info('keepalive refused; pending uploads try first', { editId: this.record.editId, status: refusal.status });
    this.refusal = refusal;
    this.hurry.abort();
    await this.preparation.idle();
    void this.delivery.kick();
    await this.delivery.idle();
    if (this.stopped) return;
    await this.sessionOver(refusal.status, refusal.message);
  }

  /** The session is over for good: the token is useless now, so it leaves the disk too. */
  private async end(reason: string): Promise<void> {
    this.record = { ...this.record, token: '', ended: { at: new Date().toISOString(), reason } };
    await writeSessionRecord(this.paths, this.record);
    await this.stop(reason, true);
  }

  private async expire(): Promise<void> {
    const pending = await this.queue.size();
    await this.end('the session token expired');
    this.log.alert(
      `The editing link has expired; changes are no longer sent${pending ? ` (${pending} version(s) not delivered)` : ''}. ` +
        `Your copy stays at ${this.documentPath}.`,
    );
  }

  /** Writes status.json (in order with the other writes); `event` also becomes its lastEvent. */
  private saveStatus(event?: string): Promise<void> {
    if (event !== undefined) this.status.lastEvent = event;
    const snapshot = structuredClone(this.status);
    this.statusWrites = this.statusWrites.then(() =>
      writeSessionStatus(this.paths, snapshot).catch((error: Error) => this.log.warn('cannot write status', { error: error.message })),
    );
    return this.statusWrites;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signals = [this.stopping.signal, this.hurry.signal];
      if (signals.some((signal) => signal.aborted)) return done();
      function done() {
        clearTimeout(timer);
        for (const signal of signals) signal.removeEventListener('abort', done);
        resolve();
      }
      for (const signal of signals) signal.addEventListener('abort', done);
    });
  }
}
