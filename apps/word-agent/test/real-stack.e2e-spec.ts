/**
 * The Word agent against the real stack: gateway, identity and edit-session as processes, real
 * Postgres, NATS, S3 and LibreOffice. A session started through the word-edit API, `open --no-open`
 * on its launch link, a Word-style save, and the new report version's PDF read back with poppler.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { E2eStack, RunningApp, signInAs, testS3Client, waitFor } from '@quire/testing';
import { agentHome, AgentProcess, runAgent, wordStyleSave } from './support/agent-process';
import { makeDocx } from './support/docx-fixture';

const run = promisify(execFile);
const SERVICES = ['identity', 'edit-session'];

function s3Location(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// path: ${uri}`);
  return { bucket: match[1], key: match[2] };
}

describe('word-agent on the real stack (gateway + edit-session)', () => {
  const e2e = new E2eStack();
  let env: Record<string, string>;
  let gateway: RunningApp;
  let home: Awaited<ReturnType<typeof agentHome>>;
  let agent: AgentProcess | undefined;

  beforeAll(async () => {
    env = await e2e.open('word_agent_real');
    await e2e.start(...SERVICES);
    [gateway] = await e2e.start('gateway');
    home = await agentHome();
  });

  afterAll(async () => {
    await agent?.stop();
    await e2e.close();
    await home?.cleanup();
  });

  it('opens a session link, and a Word-style save becomes a new report version with a PDF that renders', async () => {
    const doctor = await signInAs({ gatewayUrl: gateway.url, env }, { account: 'A', displayName: 'Dr. Agent' });
    const s3 = testS3Client();
    const api = (route: string, init: RequestInit = {}) =>
      fetch(`${gateway.url}/api-v3/report/external-edit${route}`, {
        ...init,
        headers: { authorization: `Bearer ${doctor.token}`, ...(init.headers as Record<string, string> | undefined) },
      });
    const report = await api('/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'CBC' }) });
    expect(report.status).toBe(201);
    const labReportId = ((await report.json()) as { id: number }).id;
    const form = new FormData();
    form.append('name', 'Template for the real stack');
    form.append('file', new Blob([new Uint8Array(makeDocx('Template for the real stack'))]), 'template.docx');
    const template = await api('/templates', { method: 'POST', body: form });
    expect(template.status).toBe(201);
    const { id: templateId, word_s3_filepath: templatePath } = (await template.json()) as { id: number; word_s3_filepath: string };

    const created = await api(`/${labReportId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ template_id: templateId, word_s3_filepath: templatePath }),
    });
    expect(created.status).toBe(200);
    const session = (await created.json()) as { edit_id: number | string; auth_token: string; template_path: string };
    const launchUrl = `winword://${session.auth_token}^${session.edit_id}^${session.template_path}`;

    agent = runAgent(['open', launchUrl, '--no-open', '--server', gateway.url], home.env);
    await waitFor(() => agent!.output().includes('Watching'), { timeoutMs: 30_000, description: `agent to watch\n${agent.output()}` });
    const sessionDir = path.join(home.env.QUIRE_AGENT_STATE_DIR, 'sessions', String(session.edit_id));
    const document = path.join(sessionDir, (await readdir(sessionDir)).find((name) => name.endsWith('.docx'))!);
    expect((await readFile(document)).length).toBeGreaterThan(0);

    await wordStyleSave(document, makeDocx('Findings: saved from Word on the real stack'));
    await waitFor(
      async () => JSON.parse(await readFile(path.join(sessionDir, 'status.json'), 'utf8')).lastUpload?.ok === true,
      { timeoutMs: 60_000, description: `upload through the gateway\n${agent.output()}` },
    );
    // The agent renewed the session's lease through the real keepalive route as soon as it watched.
    const leaseEnd = await waitFor(
      async () => (JSON.parse(await readFile(path.join(sessionDir, 'status.json'), 'utf8')) as { lastKeepalive?: { expiresAt?: string } }).lastKeepalive?.expiresAt,
      { timeoutMs: 10_000, description: 'a keepalive answered by the server' },
    );
    expect(Date.parse(leaseEnd)).toBeGreaterThan(Date.now() + 60_000);

    // The active session points at the newest version (word-edit spec: GET /{lab_report_id}).
    const current = await api(`/${labReportId}`);
    expect(current.status).toBe(200);
    const version = (await current.json()) as { word_file_path: string; pdf_file_path: string };
    const pdfAt = s3Location(version.pdf_file_path);
    const pdf = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: pdfAt.bucket, Key: pdfAt.key }))).Body!.transformToByteArray());
    const file = path.join(home.dir, 'version.pdf');
    await writeFile(file, pdf);
    const { stdout: text } = await run('pdftotext', [file, '-']);
    expect(text).toContain('Findings: saved from Word on the real stack');
    const { stdout: info } = await run('pdfinfo', [file]);
    expect(info).toMatch(/Pages:\s+1/);
    expect(await agent.stop()).toBe(0);
  });
});
