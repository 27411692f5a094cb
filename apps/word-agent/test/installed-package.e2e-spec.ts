/**
 * The agent as a doctor's PC gets it (ADR 007): the tarball `npm run pack:agent` makes, installed
 * with `npm install -g` into an empty prefix while no registry is reachable, then its installed
 * bin — not the repo's dist/ — runs `status`, `register --dry-run` and a real save through the
 * gateway and edit-session processes (real Postgres, NATS, S3, LibreOffice).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { E2eStack, RunningApp, waitFor } from '@quire/testing';
import { installOffline, InstalledAgent, packAgent, SYSTEM_PATH } from './support/agent-package';
import { agentHome, AgentProcess, runAgent, wordStyleSave } from './support/agent-process';
import { makeDocx } from './support/docx-fixture';
import { currentVersionPdf, startWordEditSession } from './support/word-edit-session';

const run = promisify(execFile);
const SERVICES = ['identity', 'edit-session'];
const INSTALL_TIMEOUT_MS = 60_000;

describe('the Word agent installed from its tarball with no registry', () => {
  const e2e = new E2eStack();
  let work: string;
  let tarball: string;
  let installed: InstalledAgent;
  let env: Record<string, string>;
  let gateway: RunningApp;
  const homes: Array<Awaited<ReturnType<typeof agentHome>>> = [];
  let agent: AgentProcess | undefined;

  /** A state folder of its own, and a PATH with only node and the system's tools. */
  async function freshHome(): Promise<Record<string, string>> {
    const home = await agentHome();
    homes.push(home);
    return { ...home.env, PATH: SYSTEM_PATH };
  }

  async function runInstalled(args: string[], agentEnv: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const child = runAgent(args, agentEnv, [installed.bin]);
    const code = await Promise.race([
      child.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${args[0]} did not exit\n${child.output()}`)), 30_000).unref()),
    ]).finally(() => child.stop());
    return { code, output: child.output() };
  }

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'word-agent-install-'));
    const stack = (async () => {
      env = await e2e.open('word_agent_installed');
      await e2e.start(...SERVICES);
      [gateway] = await e2e.start('gateway');
    })();
    try {
      tarball = packAgent(work);
      installed = await installOffline(tarball, work, INSTALL_TIMEOUT_MS);
    } finally {
      await stack;
    }
  }, 120_000);

  afterAll(async () => {
    await agent?.stop();
    await e2e.close();
    await Promise.all(homes.map((home) => home.cleanup()));
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('installs from the tarball alone: every dependency bundled, none fetched, no install scripts', async () => {
    const manifest = JSON.parse(await readFile(path.join(installed.packageDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      bundleDependencies: string[];
      scripts?: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@quire/office', 'yauzl']);
    expect([...manifest.bundleDependencies].sort()).toEqual(Object.keys(manifest.dependencies).sort());
    expect(manifest.scripts).toBeUndefined();
    expect(installed.npmOutput).toContain('added 1 package');
    // The installed agent resolves its dependencies inside its own folder, never from the repo.
    const script = `for (const name of ['yauzl', 'pend', '@quire/office']) console.log(require.resolve(name, { paths: [${JSON.stringify(path.join(installed.packageDir, 'src'))}] }));`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: os.tmpdir(), env: { PATH: SYSTEM_PATH } });
    const resolved = stdout.trim().split('\n');
    expect(resolved).toHaveLength(3);
    for (const file of resolved) expect(file.startsWith(path.join(installed.packageDir, 'node_modules') + path.sep)).toBe(true);
  });

  it('answers `status` from the fresh prefix', async () => {
    const agentEnv = await freshHome();
    const { code, output } = await runInstalled(['status'], agentEnv);
    expect({ code, output }).toEqual({ code: 0, output: `State folder: ${agentEnv.QUIRE_AGENT_STATE_DIR}\nNo sessions.\n` });
  });

  it('`register --dry-run` makes winword:// links run the installed copy', async () => {
    const agentEnv = await freshHome();
    const { code, output } = await runInstalled(['register', '--dry-run', '--server', 'https://quire.example.com'], agentEnv);
    expect(code).toBe(0);
    // The handler names the installed file by its real path (npm's bin is a symlink to it).
    const main = path.join(await realpath(installed.packageDir), 'src/main.js');
    expect(output).toContain(`Exec="${process.execPath}" "${main}" open %u`);
    expect(output).toContain('# would run: xdg-mime default quire-word-agent.desktop x-scheme-handler/winword');
    expect(output).toContain(`# would save serverUrl https://quire.example.com in ${agentEnv.QUIRE_AGENT_CONFIG}`);
    await expect(readFile(agentEnv.QUIRE_AGENT_CONFIG)).rejects.toThrow();
  });

  it('a Word-style save through the installed agent becomes a report version on the real stack', async () => {
    const agentEnv = await freshHome();
    const session = await startWordEditSession(gateway.url, env, { account: 'A', displayName: 'Dr. Installed' });
    agent = runAgent(['open', session.launchUrl, '--no-open', '--server', gateway.url], agentEnv, [installed.bin]);
    await waitFor(() => agent!.output().includes('Watching'), { timeoutMs: 30_000, description: `installed agent to watch\n${agent.output()}` });
    const sessionDir = path.join(agentEnv.QUIRE_AGENT_STATE_DIR, 'sessions', session.editId);
    const document = path.join(sessionDir, (await readdir(sessionDir)).find((name) => name.endsWith('.docx'))!);

    await wordStyleSave(document, makeDocx('Findings: saved by the installed agent'));
    await waitFor(
      async () => JSON.parse(await readFile(path.join(sessionDir, 'status.json'), 'utf8')).lastUpload?.ok === true,
      { timeoutMs: 60_000, description: `upload through the gateway\n${agent.output()}` },
    );
    const pdf = await currentVersionPdf(session, work);
    expect(pdf.text).toContain('Findings: saved by the installed agent');
    expect(pdf.pages).toBe(1);

    // `status` of the installed agent reports the delivered version, nothing left queued.
    const { code, output } = await runInstalled(['status', '--json'], agentEnv);
    expect(code).toBe(0);
    const { sessions } = JSON.parse(output) as { sessions: Array<{ editId: string; queued: number; lastUpload?: { ok: boolean; status?: number } }> };
    expect(sessions).toEqual([expect.objectContaining({ editId: session.editId, queued: 0, lastUpload: expect.objectContaining({ ok: true }) })]);
    expect(await agent.stop()).toBe(0);
  }, 120_000);
});
