import { promises as fs } from 'node:fs';
import { AgentSettings } from '../config/agent-config';
import { AgentLog } from '../logging/agent-log';
import { SessionPaths, claimSession, listSessionIds, readSessionRecord, releaseSession } from '../state/session-store';
import { AgentRuntime } from './agent-runtime';

/**
 * `resume`: after a restart (or at login), watches again every session that has not ended, whose
 * token is still valid and that no other agent process holds, and delivers their queues.
 */
export async function resumeCommand(settings: AgentSettings, log: AgentLog): Promise<number> {
  const runtime = new AgentRuntime(settings, log);
  let resumed = 0;
  for (const editId of await listSessionIds(settings.stateDir)) {
    const paths = new SessionPaths(settings.stateDir, editId);
    const record = await readSessionRecord(paths);
    if (!record || record.ended) continue;
    if (record.expiresAt !== undefined && record.expiresAt <= Date.now()) {
      const queued = (await fs.readdir(paths.queue).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name)).length;
      if (queued) log.tell(`Session ${editId}: the link expired with ${queued} version(s) not sent; your copy is at ${paths.document(record.documentName)}.`, 'warn');
      continue;
    }
    const claim = await claimSession(paths);
    if (!claim.claimed) continue;
    try {
      await runtime.add(paths, record);
      resumed++;
      log.tell(`Watching ${paths.document(record.documentName)} again.`);
    } catch (error) {
      await releaseSession(paths);
      throw error;
    }
  }
  if (!resumed) {
    log.tell('Nothing to resume.');
    return 0;
  }
  return (await runtime.run()) ? 3 : 0;
}
