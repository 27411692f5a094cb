import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor } from '@quire/testing';
import { AGENT_MAIN, agentHome, AgentProcess, runAgent, sessionToken, wordStyleSave } from './support/agent-process';
import { AgentRouteServer, LEASE_MS } from './support/agent-route-server';
import { makeDocx } from './support/docx-fixture';

const run = promisify(execFile);
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The PDF's text and page count, read by poppler (a PDF it cannot read fails the test). */
async function readPdf(pdf: Buffer, dir: string): Promise<{ text: string; pages: number }> {
  const file = path.join(dir, `check-${Date.now()}.pdf`);
  await writeFile(file, pdf);
  const { stdout: text } = await run('pdftotext', [file, '-']);
  const { stdout: info } = await run('pdfinfo', [file]);
  return { text, pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1]) };
}

describe('word-agent against a local agent route', () => {
  let home: Awaited<ReturnType<typeof agentHome>>;
  let templates: AgentRouteServer;
  let templatePort: number;
  const agents: AgentProcess[] = [];
  const servers: AgentRouteServer[] = [];

  beforeEach(async () => {
    home = await agentHome();
    templates = new AgentRouteServer('unused', makeDocx('Template from Quire'));
    templatePort = await templates.listen();
    servers.push(templates);
  });

  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.stop();
    for (const server of servers.splice(0)) await server.close();
    await home.cleanup();
  });

  function link(token: string, editId: string, encoded = false): string {
    const url = `http://127.0.0.1:${templatePort}/bucket/reports/report.docx?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20261123&X-Amz-Signature=abc123`;
    return encoded ? `winword://${token}%5E${editId}%5E${encodeURIComponent(url)}/` : `winword://${token}^${editId}^${url}`;
  }

  async function uploadServer(token: string, port?: number): Promise<{ server: AgentRouteServer; url: string; port: number }> {
    const server = new AgentRouteServer(token, Buffer.alloc(0));
    servers.push(server);
    const bound = await server.listen(port);
    return { server, url: `http://127.0.0.1:${bound}`, port: bound };
  }

  async function openSession(editId: string, token: string, serverUrl: string, env: Record<string, string> = {}, encoded = false) {
    const agent = runAgent(['open', link(token, editId, encoded), '--no-open', '--server', serverUrl], { ...home.env, ...env });
    agents.push(agent);
    await waitFor(() => agent.output().includes('Watching'), { timeoutMs: 30_000, description: `agent to watch\n${agent.output()}` });
    return { agent, document: path.join(home.env.QUIRE_AGENT_STATE_DIR, 'sessions', editId, 'report.docx') };
  }

  const sessionDir = (editId: string) => path.join(home.env.QUIRE_AGENT_STATE_DIR, 'sessions', editId);
  const queued = async (editId: string) => (await readdir(path.join(sessionDir(editId), 'queue')).catch(() => [])).filter((n) => /^\d+$/.test(n)).length;
  const status = async (editId: string) => JSON.parse(await readFile(path.join(sessionDir(editId), 'status.json'), 'utf8'));

  it('sends each Word-style save exactly once, with a PDF LibreOffice made from it (warm converter)', async () => {
    const token = sessionToken({ session_id: 's1' });
    const { server, url } = await uploadServer(token);
    const { agent, document } = await openSession('101', token, url, { QUIRE_AGENT_CONVERTER: 'warm' }, true);
    expect(await readFile(document)).toEqual(templates.template);

    const first = makeDocx('First save ALPHA');
    await wordStyleSave(document, first);
    await waitFor(() => server.delivered.length === 1, { timeoutMs: 60_000, description: `first upload\n${agent.output()}` });
    const upload = server.delivered[0];
    expect(upload).toMatchObject({ editId: '101', authorization: `Bearer ${token}`, externalEditHeader: 'true', docxType: DOCX_TYPE, pdfType: 'application/pdf' });
    expect(upload.docx).toEqual(first);
    expect(upload.docxName).toBe('report.docx');
    expect(await readPdf(upload.pdf, home.dir)).toMatchObject({ pages: 1, text: expect.stringContaining('First save ALPHA') });

    // A second save: one more upload and no other (a duplicate of the first would arrive in between).
    const second = makeDocx('Second save BRAVO');
    await wordStyleSave(document, second);
    await waitFor(() => server.delivered.length === 2, { timeoutMs: 60_000, description: 'second upload' });
    expect(server.attempts).toHaveLength(2);
    expect(server.delivered[1].docx).toEqual(second);
    expect((await readPdf(server.delivered[1].pdf, home.dir)).text).toContain('Second save BRAVO');
    expect(server.delivered[0].idempotencyKey).not.toEqual(server.delivered[1].idempotencyKey);

    const { stdout } = await run(process.execPath, [AGENT_MAIN, 'status', '--json'], {
      env: { ...process.env, ...home.env },
    });
    const summary = JSON.parse(stdout).sessions[0];
    expect(summary).toMatchObject({ editId: '101', queued: 0, watchedByPid: agent.child.pid, lastUpload: { ok: true, wordS3Path: 's3://b/w.docx' } });

    const log = await readFile(path.join(home.env.QUIRE_AGENT_STATE_DIR, 'agent.log'), 'utf8');
    expect(log).toContain('version queued');
    expect(log).not.toContain(token);
    expect(log).not.toContain('abc123');
    expect(await agent.stop()).toBe(0);
  });

  it('converts cold when the warm converter cannot start (auto)', async () => {
    const token = sessionToken({ session_id: 's12' });
    const { server, url } = await uploadServer(token);
    const { document } = await openSession('112', token, url, { QUIRE_AGENT_CONVERTER: 'auto', QUIRE_AGENT_PYTHON: path.join(home.dir, 'no-python') });
    await wordStyleSave(document, makeDocx('Converted the cold way'));
    await waitFor(() => server.delivered.length === 1, { timeoutMs: 60_000, description: 'upload' });
    expect((await readPdf(server.delivered[0].pdf, home.dir)).text).toContain('Converted the cold way');
    const log = await readFile(path.join(home.env.QUIRE_AGENT_STATE_DIR, 'agent.log'), 'utf8');
    expect(log).toMatch(/warm (LibreOffice unavailable|conversion failed)/);
  });

  it('turns saves made during an upload into exactly one more upload, of the latest document', async () => {
    const token = sessionToken({ session_id: 's8' });
    const { server, url } = await uploadServer(token);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    server.reply = async (_upload, attempt) => {
      if (attempt === 0) await held;
      return { status: 200, body: { message: 'ok' } };
    };
    const { agent, document } = await openSession('108', token, url, { QUIRE_AGENT_CONVERTER: 'cold' });
    await wordStyleSave(document, makeDocx('Version one'));
    await waitFor(() => server.attempts.length === 1, { timeoutMs: 60_000, description: `first upload to start\n${agent.output()}` });

    // Two saves while the first upload is in flight: both get queued, the second replaces the first.
    await wordStyleSave(document, makeDocx('Version two'));
    await waitFor(async () => (await queued('108')) === 2, { timeoutMs: 60_000, description: 'version two queued' });
    const latest = makeDocx('Version three');
    await wordStyleSave(document, latest);
    await waitFor(
      async () => {
        const entries = (await readdir(path.join(sessionDir('108'), 'queue'))).filter((n) => /^\d+$/.test(n)).sort();
        return entries.length === 2 && (await readFile(path.join(sessionDir('108'), 'queue', entries[1], 'report.docx'))).equals(latest);
      },
      { timeoutMs: 60_000, description: 'version three to replace version two' },
    );
    release();
    await waitFor(() => server.delivered.length === 2, { timeoutMs: 30_000, description: 'the one more upload' });
    await waitFor(async () => (await queued('108')) === 0, { timeoutMs: 10_000 });
    expect(server.attempts).toHaveLength(2);
    expect(server.delivered[1].docx).toEqual(latest);
  });

  it('keeps a save made while the server is down on disk and delivers it once when the server is back', async () => {
    const token = sessionToken({ session_id: 's2' });
    const port = await freePort();
    const { agent, document } = await openSession('102', token, `http://127.0.0.1:${port}`, { QUIRE_AGENT_CONVERTER: 'cold' });

    const saved = makeDocx('Saved while offline');
    await wordStyleSave(document, saved);
    await waitFor(async () => (await queued('102')) === 1 && (await status('102')).lastUpload?.ok === false, {
      timeoutMs: 60_000,
      description: `queued while offline\n${agent.output()}`,
    });
    expect(agent.output()).toContain('not reachable');

    const { server } = await uploadServer(token, port);
    await waitFor(() => server.delivered.length === 1, { timeoutMs: 30_000, description: 'delivery after the server is back' });
    await waitFor(async () => (await queued('102')) === 0 && (await status('102')).lastUpload?.ok === true, { timeoutMs: 10_000 });
    expect(server.attempts).toHaveLength(1);
    expect(server.delivered[0].docx).toEqual(saved);
  });

  it('waits for Retry-After when the server answers 429', async () => {
    const token = sessionToken({ session_id: 's3' });
    const { server, url } = await uploadServer(token);
    server.reply = (_upload, attempt) =>
      attempt === 0
        ? { status: 429, headers: { 'retry-after': '2' }, body: { code: 429, message: 'Too many uploads', details: '' } }
        : { status: 200, body: { message: 'ok' } };
    const { document } = await openSession('103', token, url, { QUIRE_AGENT_CONVERTER: 'cold' });
    await wordStyleSave(document, makeDocx('Rate limited save'));
    await waitFor(() => server.delivered.length === 1, { timeoutMs: 60_000, description: 'upload after Retry-After' });
    expect(server.attempts).toHaveLength(2);
    // Backoff alone would retry within 800 ms here.
    expect(server.attempts[1].at - server.attempts[0].at).toBeGreaterThanOrEqual(1_900);
  });

  it('stops watching and tells the user when the server ends the session (403)', async () => {
    const token = sessionToken({ session_id: 's4' });
    const { server, url } = await uploadServer(token);
    server.reply = () => ({ status: 403, body: { code: 403, message: 'Session was taken over by Dr. Jones', details: '' } });
    const { agent, document } = await openSession('104', token, url, { QUIRE_AGENT_CONVERTER: 'cold' });
    await wordStyleSave(document, makeDocx('Too late'));
    expect(await agent.exited).toBe(3);
    expect(agent.output()).toContain('Session was taken over by Dr. Jones');
    expect(server.attempts).toHaveLength(1);
    const record = JSON.parse(await readFile(path.join(sessionDir('104'), 'session.json'), 'utf8'));
    expect(record.ended.reason).toContain('403');
    expect(record.token).toBe('');
    expect(await queued('104')).toBe(0);
    // An ended session is not picked up again by resume.
    const resumed = runAgent(['resume'], home.env);
    expect(await resumed.exited).toBe(0);
    expect(resumed.output()).toContain('Nothing to resume.');
  });

  it('prints the server message and stops when the file is refused (413)', async () => {
    const token = sessionToken({ session_id: 's5' });
    const { server, url } = await uploadServer(token);
    server.reply = () => ({ status: 413, body: { code: 413, message: 'word_file is larger than 50 MB', details: '' } });
    const { agent, document } = await openSession('105', token, url, { QUIRE_AGENT_CONVERTER: 'cold' });
    await wordStyleSave(document, makeDocx('Big'));
    expect(await agent.exited).toBe(3);
    expect(agent.output()).toContain('word_file is larger than 50 MB');
  });

  it('delivers versions queued by a stopped agent after a restart (resume)', async () => {
    const token = sessionToken({ session_id: 's6' });
    const { server, url } = await uploadServer(token);
    server.reply = () => ({ status: 503, body: { code: 503, message: 'Service unavailable', details: '' } });
    const { agent, document } = await openSession('106', token, url, { QUIRE_AGENT_CONVERTER: 'cold' });
    const saved = makeDocx('Saved before the restart');
    await wordStyleSave(document, saved);
    await waitFor(async () => (await queued('106')) === 1 && server.attempts.length >= 1, { timeoutMs: 60_000, description: 'queued' });
    expect(await agent.stop()).toBe(0);
    expect(await queued('106')).toBe(1);

    server.reply = () => ({ status: 200, body: { message: 'ok' } });
    const before = server.attempts.length;
    const resumed = runAgent(['resume'], { ...home.env, QUIRE_AGENT_CONVERTER: 'cold' });
    agents.push(resumed);
    await waitFor(() => server.delivered.length === 1, { timeoutMs: 30_000, description: `delivery after resume\n${resumed.output()}` });
    expect(server.attempts.length - before).toBe(1);
    expect(server.delivered[0].docx).toEqual(saved);
    await waitFor(async () => (await queued('106')) === 0, { timeoutMs: 10_000 });
    expect(await resumed.stop()).toBe(0);

    // Opening the same link again keeps the local copy (it may hold edits) instead of the template.
    const again = await openSession('106', token, url, { QUIRE_AGENT_CONVERTER: 'cold' });
    expect(again.agent.output()).toContain('Using the copy already on this computer');
    expect(await readFile(again.document)).toEqual(saved);
  });

  it('renews the lease with a keepalive at start and every interval, carrying the token, and records it for status', async () => {
    const token = sessionToken({ session_id: 's13' });
    const { server, url } = await uploadServer(token);
    const { agent } = await openSession('113', token, url, { QUIRE_AGENT_CONVERTER: 'cold', QUIRE_AGENT_KEEPALIVE_MS: '200' });
    await waitFor(() => server.keepalives.length >= 4, { timeoutMs: 20_000, description: `keepalives\n${agent.output()}` });
    for (const keepalive of server.keepalives) {
      expect(keepalive).toMatchObject({ editId: '113', authorization: `Bearer ${token}`, externalEditHeader: 'true', bodyBytes: 0 });
    }
    // One at a time, one per interval: no burst.
    const gaps = server.keepalives.slice(1, 4).map((keepalive, i) => keepalive.at - server.keepalives[i].at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(150);

    const { stdout } = await run(process.execPath, [AGENT_MAIN, 'status', '--json'], { env: { ...process.env, ...home.env } });
    const summary = JSON.parse(stdout).sessions[0];
    // Read after `status`: keepalives go on every 200 ms meanwhile, and the one it shows was
    // answered (so recorded by the server) before the agent wrote it down.
    const granted = new Set(server.keepalives.map((keepalive) => new Date(keepalive.at + LEASE_MS).toISOString()));
    expect(granted.has(summary.lastKeepalive.expiresAt)).toBe(true);
    expect(Date.parse(summary.lastKeepalive.at)).toBeGreaterThanOrEqual(server.keepalives[0].at);
    expect(await readFile(path.join(home.env.QUIRE_AGENT_STATE_DIR, 'agent.log'), 'utf8')).not.toContain(token);
    expect(await agent.stop()).toBe(0);
  });

  it('stops as "session over" when the first keepalive is refused (403), with the default interval', async () => {
    const token = sessionToken({ session_id: 's14' });
    const { server, url } = await uploadServer(token);
    server.keepaliveReply = () => ({ status: 403, body: { code: 403, message: 'Session was taken over by Dr. Jones', details: '' } });
    const agent = runAgent(['open', link(token, '114'), '--no-open', '--server', url], { ...home.env, QUIRE_AGENT_CONVERTER: 'cold' });
    agents.push(agent);
    expect(await agent.exited).toBe(3);
    expect(agent.output()).toContain('This Word editing session is over (Session was taken over by Dr. Jones)');
    expect(server.keepalives).toHaveLength(1);
    const record = JSON.parse(await readFile(path.join(sessionDir('114'), 'session.json'), 'utf8'));
    expect(record.ended.reason).toContain('403');
    expect(record.token).toBe('');
    expect(await readFile(path.join(home.env.QUIRE_AGENT_STATE_DIR, 'agent.log'), 'utf8')).not.toContain(token);
  });

  it('lets an upload in flight finish before a keepalive 403 ends the session', async () => {
    const token = sessionToken({ session_id: 's15' });
    const { server, url } = await uploadServer(token);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    server.reply = async () => {
      await held;
      return { status: 200, body: { message: 'ok' } };
    };
    const { agent, document } = await openSession('115', token, url, { QUIRE_AGENT_CONVERTER: 'cold', QUIRE_AGENT_KEEPALIVE_MS: '200' });
    const saved = makeDocx('Saved just before the session ended');
    await wordStyleSave(document, saved);
    await waitFor(() => server.attempts.length === 1, { timeoutMs: 60_000, description: `upload to start\n${agent.output()}` });

    server.keepaliveReply = () => ({ status: 403, body: { code: 403, message: 'Session ended', details: '' } });
    await waitFor(() => server.keepalives.some((keepalive) => keepalive.status === 403), { timeoutMs: 10_000, description: 'refused keepalive' });
    const refusedAt = server.keepalives.length;
    // The agent waits for the upload; the keepalive sends no more.
    await waitFor(async () => (await readFile(path.join(home.env.QUIRE_AGENT_STATE_DIR, 'agent.log'), 'utf8')).includes('keepalive refused'), {
      timeoutMs: 10_000,
    });
    expect(agent.child.exitCode).toBeNull();
    release();
    expect(await agent.exited).toBe(3);
    expect(server.delivered).toHaveLength(1);
    expect(server.delivered[0].docx).toEqual(saved);
    expect(server.keepalives).toHaveLength(refusedAt);
    expect(agent.output()).toContain('This Word editing session is over (Session ended)');
    expect(await queued('115')).toBe(0);
  });

  it('keeps watching and uploading while keepalives get 503, says so once, and records the lease when they are back', async () => {
    const token = sessionToken({ session_id: 's16' });
    const { server, url } = await uploadServer(token);
    server.keepaliveReply = () => ({ status: 503, body: { code: 503, message: 'Service unavailable', details: '' } });
    const { agent, document } = await openSession('116', token, url, { QUIRE_AGENT_CONVERTER: 'cold', QUIRE_AGENT_KEEPALIVE_MS: '200' });
    await waitFor(() => server.keepalives.length >= 4, { timeoutMs: 20_000, description: 'keepalives during the outage' });
    const saved = makeDocx('Saved during a keepalive outage');
    await wordStyleSave(document, saved);
    await waitFor(() => server.delivered.length === 1, { timeoutMs: 60_000, description: `upload\n${agent.output()}` });
    expect(agent.child.exitCode).toBeNull();
    expect(server.delivered[0].docx).toEqual(saved);

    server.keepaliveReply = (keepalive) => ({ status: 200, body: { edit_id: 116, expires_at: keepalive.at + LEASE_MS } });
    await waitFor(async () => (await status('116')).lastKeepalive?.expiresAt, { timeoutMs: 10_000, description: 'lease recorded' });
    const log = await readFile(path.join(home.env.QUIRE_AGENT_STATE_DIR, 'agent.log'), 'utf8');
    expect(log.match(/keepalive failed/g)).toHaveLength(1);
    expect(log).toContain('keepalive accepted again');
    expect(await agent.stop()).toBe(0);
  });

  it('keeps working with a server that has no keepalive route (404 to the first keepalive)', async () => {
    const token = sessionToken({ session_id: 's17' });
    const { server, url } = await uploadServer(token);
    server.keepaliveReply = () => ({ status: 404, body: { code: 404, message: 'Not found', details: '' } });
    const { agent, document } = await openSession('117', token, url, { QUIRE_AGENT_CONVERTER: 'cold', QUIRE_AGENT_KEEPALIVE_MS: '200' });
    await waitFor(() => server.keepalives.length === 1, { timeoutMs: 10_000, description: 'first keepalive' });
    await wordStyleSave(document, makeDocx('Saved on an older server'));
    await waitFor(() => server.delivered.length === 1, { timeoutMs: 60_000, description: `upload\n${agent.output()}` });
    expect(agent.child.exitCode).toBeNull();
    // The conversion and upload took several intervals: no keepalive was sent after the 404.
    expect(server.keepalives).toHaveLength(1);
    expect(await readFile(path.join(home.env.QUIRE_AGENT_STATE_DIR, 'agent.log'), 'utf8')).toContain('no keepalive route');
    expect(await agent.stop()).toBe(0);
  });

  it('register stores the server and the winword handler; open then needs no --server, and a second open does not watch twice', async () => {
    const token = sessionToken({ session_id: 's9' });
    const { url } = await uploadServer(token);
    const env = { ...home.env, XDG_DATA_HOME: path.join(home.dir, 'share') };
    const register = runAgent(['register', '--server', `${url}/`], env);
    expect(await register.exited).toBe(0);
    const desktop = await readFile(path.join(home.dir, 'share', 'applications', 'quire-word-agent.desktop'), 'utf8');
    expect(desktop).toContain('MimeType=x-scheme-handler/winword;');
    expect(desktop).toMatch(/^Exec=".+" ".+main\.js" open %u$/m);
    expect(JSON.parse(await readFile(home.env.QUIRE_AGENT_CONFIG, 'utf8'))).toEqual({ serverUrl: url });

    const first = runAgent(['open', link(token, '109'), '--no-open'], { ...env, QUIRE_AGENT_CONVERTER: 'cold' });
    agents.push(first);
    await waitFor(() => first.output().includes(`Watching`), { timeoutMs: 30_000, description: `agent to watch\n${first.output()}` });
    expect(first.output()).toContain(`(${url})`);
    const second = runAgent(['open', link(token, '109'), '--no-open'], env);
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain(`already being watched (agent pid ${first.child.pid})`);
    expect(first.child.exitCode).toBeNull();
  });

  it('rejects a malformed link, an expired one and a missing server address with a clear message', async () => {
    const bad = runAgent(['open', 'winword://only-one-part', '--no-open'], home.env);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('three parts');

    const expired = runAgent(['open', link(sessionToken({ session_id: 's10', exp: Math.floor(Date.now() / 1000) - 60 }), '110'), '--no-open', '--server', 'http://127.0.0.1:9'], home.env);
    expect(await expired.exited).toBe(1);
    expect(expired.output()).toContain('expired');

    // A presigned URL the store refuses (expired signature): nothing to watch, say why.
    const unsigned = `winword://${sessionToken({ session_id: 's11' })}^111^http://127.0.0.1:${templatePort}/bucket/reports/report.docx`;
    const refused = runAgent(['open', unsigned, '--no-open', '--server', 'http://127.0.0.1:9'], home.env);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain('HTTP 403');

    const noServer = runAgent(['open', link(sessionToken({ session_id: 's7', iss: 'quire' }), '107'), '--no-open'], home.env);
    expect(await noServer.exited).toBe(1);
    expect(noServer.output()).toContain('QUIRE_SERVER_URL');
  });
});
