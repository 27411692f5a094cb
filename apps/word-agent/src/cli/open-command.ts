import { promises as fs } from 'node:fs';
import { AgentSettings } from '../config/agent-config';
import { parseWinwordUri } from '../launch/winword-uri';
import { readTokenClaims, resolveServerUrl, SessionTokenError } from '../launch/session-token';
import { AgentLog } from '../logging/agent-log';
import { documentNameFor, downloadDocument } from '../session/download-document';
import { openWithDefaultProgram } from '../session/open-document';
import { sha256File } from '../session/session-runner';
import { SessionPaths, SessionRecord, claimSession, readSessionRecord, releaseSession, writeSessionRecord } from '../state/session-store';
import { AgentRuntime } from './agent-runtime';

/**
 * `open <winword-uri>` (exit 0: stopped by the user; 3: the session is over): fetches the document (unless this PC already has this session's copy,
 * which may hold unsent edits), opens it in the user's word processor, then watches it until the
 * session ends.
 */
export async function openCommand(uri: string, settings: AgentSettings, log: AgentLog): Promise<number> {
  const launch = parseWinwordUri(uri);
  const claims = readTokenClaims(launch.token);
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  if (expiresAt !== undefined && expiresAt <= Date.now()) {
    throw new SessionTokenError('This editing link has expired: open the report in Quire again.');
  }
  const serverUrl = resolveServerUrl(settings.serverUrl, claims);
  const paths = new SessionPaths(settings.stateDir, launch.editId);

  const claim = await claimSession(paths);
  const existing = await readSessionRecord(paths);
  if (!claim.claimed) {
    log.tell(`This report is already being watched (agent pid ${claim.ownerPid}); opening it again.`);
    if (existing && settings.openDocument) {
      await openWithDefaultProgram(paths.document(existing.documentName)).catch((error: Error) => log.tell(error.message, 'warn'));
    }
    return 0;
  }

  try {
    return await watchSession();
  } finally {
    await releaseSession(paths);
  }

  async function watchSession(): Promise<number> {
  const documentName = existing?.documentName ?? documentNameFor(launch.documentUrl, launch.editId);
  const documentPath = paths.document(documentName);
  let lastQueuedSha256 = existing?.lastQueuedSha256;
  const haveCopy = await fs.stat(documentPath).then(
    () => true,
    () => false,
  );
  if (!haveCopy) {
    log.info('downloading document', { editId: launch.editId, url: launch.documentUrl });
    await downloadDocument(launch.documentUrl, documentPath, settings.uploadTimeoutMs);
    lastQueuedSha256 = await sha256File(documentPath);
  } else {
    log.tell(`Using the copy already on this computer: ${documentPath}`);
  }

  // A new link for the same edit session brings a fresh token: take it and watch again.
  const record: SessionRecord = {
    editId: launch.editId,
    token: launch.token,
    serverUrl,
    documentName,
    expiresAt,
    createdAt: existing?.createdAt ?? new Date().toISOString(),
    lastQueuedSha256,
  };
  await writeSessionRecord(paths, record);

  const runtime = new AgentRuntime(settings, log);
  await runtime.add(paths, record);
  if (settings.openDocument) {
    // No opener (a bare Linux, a broken file association) must not stop the watching.
    await openWithDefaultProgram(documentPath).catch((error: Error) =>
      log.tell(`${error.message}. Open ${documentPath} in Word yourself; saves are still sent.`, 'warn'),
    );
  }
  log.tell(`Watching ${documentPath}: each save is sent to Quire (${serverUrl}).`);
  // Exit code 3: the server ended the session or refused the document (the message was printed).
  return (await runtime.run()) ? 3 : 0;
  }
}
