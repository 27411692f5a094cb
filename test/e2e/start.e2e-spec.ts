import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QuireJwt } from '@quire/auth';
import { createTestDatabase, freePort, TestDatabase, uniqueId } from '@quire/testing';
import { appPorts, commandOf, exitWithin, expectAllReady, isAlive, launch, START_DEADLINE_MS, StartRun, urlOf, waitForOutput } from './support/npm-start';

/** `npm start` (scripts/start.js) as a developer runs it: build, dependencies, six apps, Ctrl-C. */

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
        expect(started.map(commandOf).some((c) => c.includes('s3-disk-server.js'))).toBe(true);

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
