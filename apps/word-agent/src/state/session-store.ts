import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readJson, writeJsonDurably } from './durable-file';

/** What the agent keeps about one edit session (`<state>/sessions/<edit id>/session.json`, mode 600). */
export interface SessionRecord {
  editId: string;
  /** The session JWT: needed to upload after a restart. Stored only here, never logged; erased when the session ends. */
  token: string;
  serverUrl: string;
  documentName: string;
  /** Token expiry, ms since the epoch (undefined: the token has none). */
  expiresAt?: number;
  createdAt: string;
  /** sha256 of the last version queued (or downloaded): a save without changes is not uploaded. */
  lastQueuedSha256?: string;
  /** Set when the server ended the session (403) or refused a file: the agent no longer watches. */
  ended?: { at: string; reason: string };
}

export interface LastUpload {
  at: string;
  ok: boolean;
  status?: number;
  message: string;
  wordS3Path?: string;
  pdfS3Path?: string;
}

/** The last keepalive the server accepted: when, and when the session's lease now ends. */
export interface LastKeepalive {
  at: string;
  expiresAt?: string;
}

/** Written as the session runs; `quire-word-agent status` reads it. */
export interface SessionStatus {
  watching: boolean;
  pid?: number;
  lastUpload?: LastUpload;
  lastKeepalive?: LastKeepalive;
  lastEvent?: string;
}

export class SessionPaths {
  constructor(
    readonly stateDir: string,
    readonly editId: string,
  ) {}

  get dir(): string {
    return path.join(this.stateDir, 'sessions', this.editId);
  }
  get record(): string {
    return path.join(this.dir, 'session.json');
  }
  get status(): string {
    return path.join(this.dir, 'status.json');
  }
  get lock(): string {
    return path.join(this.dir, 'agent.pid');
  }
  get queue(): string {
    return path.join(this.dir, 'queue');
  }
  document(name: string): string {
    return path.join(this.dir, name);
  }
}

export async function listSessionIds(stateDir: string): Promise<string[]> {
  try {
    return (await fs.readdir(path.join(stateDir, 'sessions'))).sort();
  } catch {
    return [];
  }
}

export const readSessionRecord = (paths: SessionPaths) => readJson<SessionRecord>(paths.record);
export const writeSessionRecord = (paths: SessionPaths, record: SessionRecord) => writeJsonDurably(paths.record, record);
export const readSessionStatus = async (paths: SessionPaths) => (await readJson<SessionStatus>(paths.status)) ?? { watching: false };
export const writeSessionStatus = (paths: SessionPaths, status: SessionStatus) => writeJsonDurably(paths.status, status);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a live agent that watches this session, if any. */
export async function sessionOwner(paths: SessionPaths): Promise<number | undefined> {
  const pid = Number((await fs.readFile(paths.lock, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : undefined;
}

/**
 * One agent process per session (the browser may launch the same link twice): creates the pid
 * file exclusively; a file left by a dead process is taken over.
 */
export async function claimSession(paths: SessionPaths): Promise<{ claimed: true } | { claimed: false; ownerPid: number }> {
  await fs.mkdir(paths.dir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(paths.lock, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return { claimed: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = await sessionOwner(paths);
      if (owner) return { claimed: false, ownerPid: owner };
      await fs.rm(paths.lock, { force: true });
    }
  }
  throw new Error(`Cannot take the lock ${paths.lock}`);
}

export async function releaseSession(paths: SessionPaths): Promise<void> {
  const pid = Number((await fs.readFile(paths.lock, 'utf8').catch(() => '')).trim());
  if (pid === process.pid) await fs.rm(paths.lock, { force: true });
}
