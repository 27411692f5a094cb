import { promises as fs } from 'node:fs';
import { AgentSettings } from '../config/agent-config';
import { LastKeepalive, LastUpload, SessionPaths, listSessionIds, readSessionRecord, readSessionStatus, sessionOwner } from '../state/session-store';

export interface SessionSummary {
  editId: string;
  document: string;
  watchedByPid?: number;
  ended?: string;
  expiresAt?: string;
  queued: number;
  lastUpload?: LastUpload;
  lastKeepalive?: LastKeepalive;
  lastEvent?: string;
}

export async function sessionSummaries(settings: AgentSettings): Promise<SessionSummary[]> {
  const summaries: SessionSummary[] = [];
  for (const editId of await listSessionIds(settings.stateDir)) {
    const paths = new SessionPaths(settings.stateDir, editId);
    const record = await readSessionRecord(paths);
    if (!record) continue;
    const status = await readSessionStatus(paths);
    const queued = (await fs.readdir(paths.queue).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name)).length;
    summaries.push({
      editId,
      document: paths.document(record.documentName),
      watchedByPid: await sessionOwner(paths),
      ended: record.ended?.reason,
      expiresAt: record.expiresAt ? new Date(record.expiresAt).toISOString() : undefined,
      queued,
      lastUpload: status.lastUpload,
      lastKeepalive: status.lastKeepalive,
      lastEvent: status.lastEvent,
    });
  }
  return summaries;
}

/** `status`: sessions, who watches them, queued versions and the last upload (from the state files). */
export async function statusCommand(settings: AgentSettings, json: boolean, print: (line: string) => void): Promise<number> {
  const summaries = await sessionSummaries(settings);
  if (json) {
    print(JSON.stringify({ stateDir: settings.stateDir, sessions: summaries }, null, 2));
    return 0;
  }
  print(`State folder: ${settings.stateDir}`);
  if (!summaries.length) print('No sessions.');
  for (const s of summaries) {
    const state = s.ended ? `ended: ${s.ended}` : s.watchedByPid ? `watched (pid ${s.watchedByPid})` : 'not watched (run `quire-word-agent resume`)';
    const last = s.lastUpload ? `${s.lastUpload.ok ? 'ok' : 'failed'} at ${s.lastUpload.at}: ${s.lastUpload.message}` : 'none';
    const lease = s.lastKeepalive ? `; lease renewed at ${s.lastKeepalive.at}${s.lastKeepalive.expiresAt ? ` (until ${s.lastKeepalive.expiresAt})` : ''}` : '';
    print(`- edit ${s.editId}: ${state}; queued ${s.queued}; last upload ${last}${lease}\n  ${s.document}`);
  }
  return 0;
}
