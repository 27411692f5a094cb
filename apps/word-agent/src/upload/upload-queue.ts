import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readJson, syncDir, writeJsonDurably } from '../state/durable-file';

/** One version waiting to be uploaded: a folder with the two files and `job.json`. */
export interface QueuedUpload {
  id: string;
  dir: string;
  docxPath: string;
  pdfPath: string;
  docxSha256: string;
  savedAt: string;
}

/** A version being prepared: files go into a hidden folder until `commit` makes it visible. */
export interface IncomingUpload {
  dir: string;
  docxPath: string;
  pdfPath: string;
}

interface JobFile {
  docxSha256: string;
  savedAt: string;
}

const ENTRY = /^\d{12}$/;

/**
 * A session's uploads that have not reached the server, on disk in save order (fsync'd), so they
 * survive a crash or a restart. At most one entry waits behind the one being uploaded: a newer
 * save replaces it (the server wants the latest document, not every intermediate one).
 */
export class UploadQueue {
  private inFlight: string | undefined;

  constructor(readonly dir: string) {}

  async incoming(): Promise<IncomingUpload> {
    const dir = path.join(this.dir, `.incoming-${randomUUID()}`);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    return { dir, docxPath: path.join(dir, 'report.docx'), pdfPath: path.join(dir, 'report.pdf') };
  }

  async discard(incoming: IncomingUpload): Promise<void> {
    await fs.rm(incoming.dir, { recursive: true, force: true });
  }

  /** Makes a prepared upload visible (atomic rename) and drops any older entry not yet started. */
  async commit(incoming: IncomingUpload, job: JobFile): Promise<QueuedUpload> {
    await writeJsonDurably(path.join(incoming.dir, 'job.json'), job);
    await syncDir(incoming.dir);
    const existing = await this.entryIds();
    const next = existing.length ? Number(existing[existing.length - 1]) + 1 : 1;
    const id = String(next).padStart(12, '0');
    const dir = path.join(this.dir, id);
    await fs.rename(incoming.dir, dir);
    await syncDir(this.dir);
    for (const older of existing) {
      if (older !== this.inFlight) await fs.rm(path.join(this.dir, older), { recursive: true, force: true });
    }
    return this.entry(id, job);
  }

  /** The oldest entry, marked as in flight (a newer save will not replace it). */
  async takeNext(): Promise<QueuedUpload | undefined> {
    for (const id of await this.entryIds()) {
      const job = await readJson<JobFile>(path.join(this.dir, id, 'job.json'));
      if (!job) {
        // A folder without job.json was not committed (crash mid-rename on some file systems).
        await fs.rm(path.join(this.dir, id), { recursive: true, force: true });
        continue;
      }
      this.inFlight = id;
      return this.entry(id, job);
    }
    this.inFlight = undefined;
    return undefined;
  }

  async remove(upload: QueuedUpload): Promise<void> {
    if (this.inFlight === upload.id) this.inFlight = undefined;
    await fs.rm(upload.dir, { recursive: true, force: true });
    await syncDir(this.dir);
  }

  async release(): Promise<void> {
    this.inFlight = undefined;
  }

  async clear(): Promise<void> {
    this.inFlight = undefined;
    for (const id of await this.entryIds()) await fs.rm(path.join(this.dir, id), { recursive: true, force: true });
  }

  /** sha256 of the newest queued version (a crash may leave it queued but not yet recorded). */
  async newestSha256(): Promise<string | undefined> {
    const ids = await this.entryIds();
    const newest = ids[ids.length - 1];
    return newest ? (await readJson<JobFile>(path.join(this.dir, newest, 'job.json')))?.docxSha256 : undefined;
  }

  async size(): Promise<number> {
    return (await this.entryIds()).length;
  }

  /** Removes folders of uploads that were being prepared when the agent stopped. */
  async sweepIncoming(): Promise<void> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) if (name.startsWith('.incoming-')) await fs.rm(path.join(this.dir, name), { recursive: true, force: true });
  }

  private async entryIds(): Promise<string[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    return names.filter((name) => ENTRY.test(name)).sort();
  }

  private entry(id: string, job: JobFile): QueuedUpload {
    const dir = path.join(this.dir, id);
    return { id, dir, docxPath: path.join(dir, 'report.docx'), pdfPath: path.join(dir, 'report.pdf'), ...job };
  }
}
