import { promises as fs } from 'node:fs';
import { AgentSettings } from '../config/agent-config';
import { parseWinwordUri, WinwordLaunch } from '../launch/winword-uri';
import { readTokenClaims, resolveServerUrl, SessionTokenError } from '../launch/session-token';
import { AgentLog } from '../logging/agent-log';
import { documentNameFor, downloadDocument } from '../session/download-document';
import { openWithDefaultProgram } from '../session/open-document';
import { sha256File } from '../state/file-hash';
import { SessionPaths, SessionRecord, claimSession, readSessionRecord, releaseSession, writeSessionRecord } from '../state/session-store';
import { AgentRuntime } from './agent-runtime';

/**
 * `open <winword-uri>`: fetches the document, opens it in the user's word processor, then watches
 * it until the session ends. Exit 0: stopped by the user; 3: the server ended the session or
 * refused the document (the message was printed).
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
    // The browser may launch the same link twice: the live agent keeps the session.
    log.tell(`This report is already being watched (agent pid ${claim.ownerPid}); opening it again.`);
    if (existing) await openDocument(paths.document(existing.documentName), settings, log);
    return 0;
  }
  try {
    const record = await prepareSession(launch, { serverUrl, expiresAt }, paths, existing, settings, log);
    const runtime = new AgentRuntime(settings, log);
    await runtime.add(paths, record);
    const documentPath = paths.document(record.documentName);
    await openDocument(documentPath, settings, log);
    log.tell(`Watching ${documentPath}: each save is sent to Quire (${serverUrl}).`);
    return (await runtime.run()) ? 3 : 0;
  } finally {
    await releaseSession(paths);
  }
}

/**
 * Downloads the document unless this PC already has this session's copy (it may hold edits not
 * yet sent), and records the session with the link's token (a new link brings a fresh one).
 */
async function prepareSession(
  launch: WinwordLaunch,
  server: { serverUrl: string; expiresAt?: number },
  paths: SessionPaths,
  existing: SessionRecord | undefined,
  settings: AgentSettings,
  log: AgentLog,
): Promise<SessionRecord> {
  const documentName = existing?.documentName ?? documentNameFor(launch.documentUrl, launch.editId);
  const documentPath = paths.document(documentName);
  let lastQueuedSha256 = existing?.lastQueuedSha256;
  const haveCopy = await fs.stat(documentPath).then(
    () => true,
    () => false,
  );
  if (haveCopy) {
    log.tell(`Using the copy already on this computer: ${documentPath}`);
  } else {
    log.info('downloading document', { editId: launch.editId, url: launch.documentUrl });
    await downloadDocument(launch.documentUrl, documentPath, settings.uploadTimeoutMs);
    // The template as downloaded is not a version to upload.
    lastQueuedSha256 = await sha256File(documentPath);
  }
  const record: SessionRecord = {
    editId: launch.editId,
    token: launch.token,
    serverUrl: server.serverUrl,
    documentName,
    expiresAt: server.expiresAt,
    createdAt: existing?.createdAt ?? new Date().toISOString(),
    lastQueuedSha256,
  };
  await writeSessionRecord(paths, record);
  return record;
}

/** No opener (a bare Linux, a broken file association) must not stop the watching. */
async function openDocument(documentPath: string, settings: AgentSettings, log: AgentLog): Promise<void> {
  if (!settings.openDocument) return;
  await openWithDefaultProgram(documentPath).catch((error: Error) =>
    log.tell(`${error.message}. Open ${documentPath} in Word yourself; saves are still sent.`, 'warn'),
  );
}
