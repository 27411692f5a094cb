import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QuireJwt } from '@quire/auth';
import { createTestDatabase, freePort, REPO_ROOT, TestDatabase, uniqueId, waitFor } from '@quire/testing';

/** `npm start` (scripts/start.js) as a developer runs it: build, dependencies, six apps, Ctrl-C. */

const PORT_VARIABLES: Record<string, string> = {
  gateway: 'GATEWAY_PORT',
  identity: 'IDENTITY_PORT',
  'edit-session': 'EDIT_SESSION_PORT',
  file: 'FILE_PORT',
  'document-repository': 'DOCUMENT_REPOSITORY_PORT',
  'viewing-session': 'VIEWING_SESSION_PORT',
};
const START_DEADLINE_MS = 150_000;

/** Parent pid of a process, from /proc (undefined once it is gone). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Every live process below `root` (children, their children, ...). */
function descendantsOf(root: number): number[] {
  const pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length) {
    const next = pids.filter((pid) => frontier.includes(parentOf(pid) ?? -1));
    found.push(...next);
    frontier = next;
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

interface StartRun {
  process: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every process it started, as seen when asked (recorded for the clean-up check). */
  descendants: () => number[];
  /** Makes sure nothing is left behind, whatever the test did. */
  cleanUp: () => Promise<void>;
}

async function appPorts(): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const variable of Object.values(PORT_VARIABLES)) env[variable] = String(await freePort());
  return env;
}

function urlOf(env: Record<string, string>, app: string): string {
  return `http://127.0.0.1:${env[PORT_VARIABLES[app]]}`;
}

function launch(env: Record<string, string>): StartRun {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/start.js')], {
    cwd: REPO_ROOT,
    // Only what the test chooses: a developer's DATABASE_URL & co. must not leak in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const seen = new Set<number>();
  const descendants = () => {
    for (const pid of descendantsOf(child.pid!)) seen.add(pid);
    return [...seen];
  };
  return {
    process: child,
    output: () => output,
    exited,
    descendants,
    async cleanUp() {
      if (child.exitCode === null && child.signalCode === null) {
        descendants();
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        await exited;
        clearTimeout(timer);
      }
      for (const pid of seen) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    },
  };
}

async function waitForOutput(run: StartRun, pattern: RegExp, timeoutMs = START_DEADLINE_MS): Promise<void> {
  const exitedFirst = run.exited.then(({ code, signal }) => {
    throw new Error(`npm start exited (${code ?? signal}) before printing ${pattern}`);
  });
  exitedFirst.catch(() => undefined); // only the race below reports it
  try {
    await Promise.race([
      waitFor(() => pattern.test(run.output()), { timeoutMs, intervalMs: 200, description: `npm start to print ${pattern}` }),
      exitedFirst,
    ]);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- npm start output ---\n${run.output()}`);
  }
}

async function exitWithin(run: StartRun, timeoutMs: number) {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`npm start did not exit within ${timeoutMs} ms:\n${run.output()}`)), timeoutMs).unref(),
  );
  return Promise.race([run.exited, timeout]);
}

async function expectAllReady(env: Record<string, string>): Promise<void> {
  const statuses = await Promise.all(
    Object.keys(PORT_VARIABLES).map(async (app) => [app, (await fetch(`${urlOf(env, app)}/health/ready`)).status]),
  );
  expect(Object.fromEntries(statuses)).toEqual(Object.fromEntries(Object.keys(PORT_VARIABLES).map((app) => [app, 200])));
}

function hasPostgresBinaries(): boolean {
  try {
    return fs.readdirSync('/usr/lib/postgresql').some((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  } catch {
    return false;
  }
}

describe('npm start', () => {
  const stateDirs: string[] = [];
  const newStateDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-start-'));
    stateDirs.push(dir);
    return dir;
  };

  afterAll(() => {
    for (const dir of stateDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('with the machine Postgres and NATS', () => {
    let database: TestDatabase;
    let run: StartRun | undefined;

    beforeAll(async () => {
      database = await createTestDatabase('start');
    });

    afterAll(async () => {
      await run?.cleanUp();
      await database?.drop();
    });

    it(
      'starts every app behind the gateway, then stops everything on SIGINT and exits 0',
      async () => {
        const ports = await appPorts();
        const stateDir = newStateDir();
        run = launch({
          ...ports,
          DATABASE_URL: database.url,
          ...(process.env.TEST_NATS_URL ? { NATS_URL: process.env.TEST_NATS_URL } : {}),
          NATS_SUBJECT_PREFIX: `t${uniqueId()}.`,
          QUIRE_STATE_DIR: stateDir,
          LOG_LEVEL: 'warn',
        });
        await waitForOutput(run, /Quire is ready/);

        await expectAllReady(ports);
        expect(run.output()).toMatch(/Postgres +reused \(from env\)/);
        expect(run.output()).toMatch(/S3 +started by npm start +http:\/\/127\.0\.0\.1:\d+/);
        const gateway = urlOf(ports, 'gateway');
        const anonymous = await fetch(`${gateway}/rest/ng/_ping`);
        expect(anonymous.status).toBe(401);
        // The bootstrap admin exists with the generated dev password, printed once.
        const password = fs.readFileSync(path.join(stateDir, 'dev-admin-password'), 'utf8').trim();
        expect(run.output()).toContain(`password ${password}`);
        const session = await fetch(`${gateway}/rest/ng/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ loginName: 'admin', password }),
        });
        expect(session.status).toBe(200);
        const { token } = (await session.json()) as { token: string };
        // The generated dev secret is the one identity signs with and the gateway verifies with.
        const secret = fs.readFileSync(path.join(stateDir, 'dev-secret'), 'utf8').trim();
        expect(new QuireJwt({ secret }).verifyLogin(token).principal.loginName).toBe('admin');
        const signed = await fetch(`${gateway}/rest/ng/_ping`, { headers: { 'x-os-api-token': token } });
        expect(signed.status).toBe(200);
        // Metrics: never on the gateway's API port; each app's own port on loopback, printed (ADR 018).
        expect((await fetch(`${gateway}/metrics`)).status).toBe(404);
        const gatewayMetrics = /gateway +(http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(run.output())?.[1];
        expect(gatewayMetrics).toBeDefined();
        expect(await (await fetch(gatewayMetrics!)).text()).toContain('app="gateway"');

        const started = run.descendants();
        expect(started.map(commandOf).filter((c) => c.includes('dist/apps/')).length).toBe(6);
        expect(started.map(commandOf).some((c) => c.includes('s3-server.mjs'))).toBe(true);

        run.process.kill('SIGINT');
        expect(await exitWithin(run, 60_000)).toEqual({ code: 0, signal: null });
        expect(started.filter(isAlive)).toEqual([]);
        expect(fs.readdirSync(path.join(stateDir, 'run'))).toEqual([]);
      },
      START_DEADLINE_MS + 60_000,
    );
  });

  it('refuses a bad variable, naming it, before starting anything', async () => {
    const run = launch({
      ...(await appPorts()),
      QUIRE_STATE_DIR: newStateDir(),
      NATS_REQUEST_TIMEOUT_MS: 'abc',
      // Never reached: the check comes first. If it did not, this would fail differently.
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/quire`,
    });
    try {
      const exit = await exitWithin(run, 90_000);
      expect(exit.code).toBe(1);
      expect(run.output()).toMatch(/invalid configuration:[\s\S]*NATS_REQUEST_TIMEOUT_MS="abc"/);
      expect(run.output()).not.toMatch(/Postgres: |starting identity/);
    } finally {
      await run.cleanUp();
    }
  }, 120_000);

  (hasPostgresBinaries() ? describe : describe.skip)('with its own Postgres (QUIRE_FORCE_LOCAL_POSTGRES)', () => {
    let run: StartRun | undefined;

    afterAll(async () => {
      await run?.cleanUp();
    });

    it(
      'initialises and starts Postgres, and stops everything (Postgres too) when an app dies',
      async () => {
        const ports = await appPorts();
        const stateDir = newStateDir();
        run = launch({
          ...ports,
          QUIRE_FORCE_LOCAL_POSTGRES: '1',
          ...(process.env.TEST_NATS_URL ? { NATS_URL: process.env.TEST_NATS_URL } : {}),
          NATS_SUBJECT_PREFIX: `t${uniqueId()}.`,
          QUIRE_STATE_DIR: stateDir,
          LOG_LEVEL: 'warn',
        });
        await waitForOutput(run, /Quire is ready/);

        expect(run.output()).toMatch(/Postgres +started by npm start +postgres:\/\/postgres@127\.0\.0\.1:\d+\/quire/);
        expect(fs.readFileSync(path.join(stateDir, 'pg', 'PG_VERSION'), 'utf8')).toMatch(/^\d+/);
        await expectAllReady(ports);

        const started = run.descendants();
        const postgres = started.filter((pid) => commandOf(pid).includes(`-D ${path.join(stateDir, 'pg')}`));
        expect(postgres).toHaveLength(1);
        const identity = started.find((pid) => commandOf(pid).includes('dist/apps/identity/'));
        process.kill(identity!, 'SIGKILL');

        expect(await exitWithin(run, 60_000)).toEqual({ code: 1, signal: null });
        expect(run.output()).toContain('identity exited unexpectedly (killed by SIGKILL)');
        expect(run.output()).toContain('--- last lines of identity ---');
        expect(run.output()).toMatch(/stopping [\w, -]*postgres/);
        expect(started.filter(isAlive)).toEqual([]);
      },
      START_DEADLINE_MS + 60_000,
    );
  });
});
