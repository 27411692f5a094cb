/**
 * The Word agent against the real stack: gateway, identity and edit-session as processes, real
 * Postgres, NATS, S3 and LibreOffice. A session started through the word-edit API, `open --no-open`
 * on its launch link, a Word-style save, and the new report version's PDF read back with poppler.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { E2eStack, RunningApp, waitFor } from '@quire/testing';
import { agentHome, AgentProcess, runAgent, wordStyleSave } from './support/agent-process';
import { makeDocx } from './support/docx-fixture';
import { currentVersionPdf, startWordEditSession } from './support/word-edit-session';

const SERVICES = ['identity', 'edit-session'];

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
    const session = await startWordEditSession(gateway.url, env, { account: 'A', displayName: 'Dr. Agent' });

    agent = runAgent(['open', session.launchUrl, '--no-open', '--server', gateway.url], home.env);
    await waitFor(() => agent!.output().includes('Watching'), { timeoutMs: 30_000, description: `agent to watch\n${agent.output()}` });
    const sessionDir = path.join(home.env.QUIRE_AGENT_STATE_DIR, 'sessions', session.editId);
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

    // The active session points at the newest version, whose PDF is the saved text.
    const pdf = await currentVersionPdf(session, home.dir);
    expect(pdf.text).toContain('Findings: saved from Word on the real stack');
    expect(pdf.pages).toBe(1);
    expect(await agent.stop()).toBe(0);
  });
});
