import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminQuery, buildDocx, buildPdf, createTestDatabase, REPO_ROOT, TestDatabase, uniqueId, withDatabase, ADMIN_DATABASE_URL } from '@quire/testing';
import { appPorts, exitWithin, launch, START_DEADLINE_MS, StartRun, urlOf, waitForOutput } from './support/npm-start';

/**
 * What `npm start` keeps for a developer (docs/adr/015): stored files survive a restart (objects on
 * disk in the state dir), each state dir gets its own database on a shared Postgres, and the
 * admin credentials it prints are the ones that work.
 */

const WORD_EDIT = '/api-v3/report/external-edit';
const sha256 = (bytes: Buffer | ArrayBuffer): string => createHash('sha256').update(Buffer.from(bytes as ArrayBuffer)).digest('hex');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkoutDatabaseName } = require(path.join(REPO_ROOT, 'scripts/lib/start/postgres.js')) as {
  checkoutDatabaseName: (settings: { repoRoot: string; stateDir: string }) => string;
};

interface Login {
  token: string;
  userId: string;
}

async function logIn(gateway: string, password: string): Promise<{ status: number; login?: Login }> {
  const answer = await fetch(`${gateway}/rest/ng/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginName: 'admin', password }),
  });
  if (answer.status !== 200) return { status: answer.status };
  const body = (await answer.json()) as { token: string; id: string };
  return { status: 200, login: { token: body.token, userId: body.id } };
}

async function json<T>(response: Response, expected: number): Promise<T> {
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${response.url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The password `npm start` printed in its summary ("password Dev-…   (shown once…"), if any. */
function printedPassword(output: string): string | undefined {
  return /^\s+password (Dev-\S+) {3}\(shown once/m.exec(output)?.[1];
}

describe('npm start keeps a developer’s data', () => {
  const stateDirs: string[] = [];
  const runs: StartRun[] = [];
  const newStateDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-devdata-'));
    stateDirs.push(dir);
    return dir;
  };
  const nats = () => ({
    ...(process.env.TEST_NATS_URL ? { NATS_URL: process.env.TEST_NATS_URL } : {}),
    NATS_SUBJECT_PREFIX: `t${uniqueId()}.`,
  });
  const started = async (env: Record<string, string>): Promise<StartRun> => {
    const run = launch(env);
    runs.push(run);
    await waitForOutput(run, /Quire is ready/);
    return run;
  };
  const stop = async (run: StartRun) => {
    run.process.kill('SIGINT');
    expect(await exitWithin(run, 60_000)).toEqual({ code: 0, signal: null });
  };

  afterAll(async () => {
    for (const run of runs) await run.cleanUp();
    for (const dir of stateDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('a restart', () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await createTestDatabase('devdata');
    });

    afterAll(async () => {
      await database?.drop();
    });

    it(
      'loses no stored bytes: a file (file-upload), a template and an agent save (word-edit) download the same after it',
      async () => {
        const stateDir = newStateDir();
        const env = { ...(await appPorts()), DATABASE_URL: database.url, ...nats(), QUIRE_STATE_DIR: stateDir, LOG_LEVEL: 'warn' };
        let run = await started(env);
        expect(run.output()).toMatch(/S3 +started by npm start +http:\/\/127\.0\.0\.1:\d+ +\(s3rver: objects on disk in .*\/s3, every request signed \(SigV4\)\)/);
        const gateway = urlOf(env, 'gateway');
        const password = fs.readFileSync(path.join(stateDir, 'dev-admin-password'), 'utf8').trim();
        const { login } = await logIn(gateway, password);
        const bearer = { authorization: `Bearer ${login!.token}` };
        const { token: apiToken } = await json<{ token: string }>(
          await fetch(`${gateway}/api/v1/tokens`, {
            method: 'POST',
            headers: { 'x-api-token': login!.token, 'content-type': 'application/json' },
            body: JSON.stringify({ userId: login!.userId, name: 'devdata' }),
          }),
          201,
        );

        // file-upload: a PDF attachment of the admin (big enough for a multipart upload: 6 MiB).
        const attachment = buildPdf('attachment', { paddingBytes: 6 * 1024 * 1024 });
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(attachment)]), 'attachment.pdf');
        form.append('meta.category', 'user_document');
        const file = await json<{ data: { id: string } }>(await fetch(`${gateway}/api_v3/files`, { method: 'POST', headers: { 'x-apitoken': apiToken }, body: form }), 200);

        // word-edit: a template, a report, an edit session on it and the agent's save.
        const template = buildDocx('the template');
        const templateForm = new FormData();
        templateForm.append('name', 'Restart template');
        templateForm.append('file', new Blob([new Uint8Array(template)]), 'template.docx');
        const { id: templateId, word_s3_filepath: templatePath } = await json<{ id: number; word_s3_filepath: string }>(
          await fetch(`${gateway}${WORD_EDIT}/templates`, { method: 'POST', headers: bearer, body: templateForm }),
          201,
        );
        const newReport = async () =>
          (
            await json<{ id: number }>(
              await fetch(`${gateway}${WORD_EDIT}/reports`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Restart report' }) }),
              201,
            )
          ).id;
        const startSession = async (reportId: number) =>
          json<{ edit_id: number; auth_token: string; template_path: string }>(
            await fetch(`${gateway}${WORD_EDIT}/${reportId}`, {
              method: 'POST',
              headers: { ...bearer, 'content-type': 'application/json' },
              body: JSON.stringify({ template_id: templateId, word_s3_filepath: templatePath }),
            }),
            200,
          );
        const reportId = await newReport();
        const session = await startSession(reportId);
        const saved = { word: buildDocx('the agent save'), pdf: buildPdf('the agent save') };
        const agentForm = new FormData();
        agentForm.append('word_file', new Blob([new Uint8Array(saved.word)]), 'report.docx');
        agentForm.append('pdf_file', new Blob([new Uint8Array(saved.pdf)], { type: 'application/pdf' }), 'report.pdf');
        await json(
          await fetch(`${gateway}${WORD_EDIT}/agent/${session.edit_id}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${session.auth_token}`, 'x-is-external-edit-request': 'true' },
            body: agentForm,
          }),
          200,
        );

        await stop(run);
        run = await started(env);
        expect(run.output()).not.toMatch(/password Dev-/); // the same admin: its password is in the file, not shown again

        const again = await logIn(gateway, password);
        expect(again.status).toBe(200);
        const bearerAgain = { authorization: `Bearer ${again.login!.token}` };
        // The attachment, through its signed link.
        const info = await json<{ data: { fullpath: string } }>(await fetch(`${gateway}/api_v3/files/${file.data.id}`, { headers: { 'x-apitoken': apiToken } }), 200);
        const downloaded = await fetch(info.data.fullpath);
        expect(downloaded.status).toBe(200);
        expect(sha256(await downloaded.arrayBuffer())).toBe(sha256(attachment));
        // The agent's save, as version files (302 to a presigned URL of the on-disk S3).
        const versions = await json<Array<{ id: number }>>(await fetch(`${gateway}${WORD_EDIT}/${reportId}/versions`, { headers: bearerAgain }), 200);
        expect(versions.length).toBeGreaterThanOrEqual(1);
        for (const [kind, bytes] of [
          ['docx', saved.word],
          ['pdf', saved.pdf],
        ] as const) {
          const redirect = await fetch(`${gateway}${WORD_EDIT}/${reportId}/versions/${versions[0]!.id}/${kind}`, { headers: bearerAgain, redirect: 'manual' });
          expect(redirect.status).toBe(302);
          const object = await fetch(redirect.headers.get('location')!);
          expect([kind, object.status]).toEqual([kind, 200]);
          expect([kind, sha256(await object.arrayBuffer())]).toEqual([kind, sha256(bytes)]);
        }
        // The template, as a new session on another report hands it to the agent.
        const another = await startSession(await newReport());
        const templateObject = await fetch(another.template_path);
        expect(templateObject.status).toBe(200);
        expect(sha256(await templateObject.arrayBuffer())).toBe(sha256(template));

        await stop(run);
      },
      3 * START_DEADLINE_MS,
    );
  });

  describe('two checkouts on one machine', () => {
    const databases: string[] = [];

    afterAll(async () => {
      await adminQuery(async (client) => {
        for (const name of databases) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    });

    it(
      'each state dir gets its own database on the machine Postgres, and each logs in with the password it printed',
      async () => {
        const printed: string[] = [];
        for (const stateDir of [newStateDir(), newStateDir()]) {
          const name = checkoutDatabaseName({ repoRoot: REPO_ROOT, stateDir });
          databases.push(name);
          const env = { ...(await appPorts()), ...nats(), QUIRE_STATE_DIR: stateDir, LOG_LEVEL: 'warn' };
          const run = await started(env);
          expect(run.output()).toMatch(new RegExp(`Postgres +reused \\(default port\\) +postgres://postgres@127\\.0\\.0\\.1:5432/${name} `));
          const password = printedPassword(run.output());
          expect(password).toBeDefined();
          expect(fs.readFileSync(path.join(stateDir, 'dev-admin-password'), 'utf8').trim()).toBe(password);
          expect((await logIn(urlOf(env, 'gateway'), password!)).status).toBe(200);
          printed.push(password!);
          await stop(run);
        }
        expect(new Set(databases).size).toBe(2);
        expect(new Set(printed).size).toBe(2);
      },
      3 * START_DEADLINE_MS,
    );

    it(
      'a second state dir on the same DATABASE_URL prints no password, says the admin exists and where to look, and the first still logs in',
      async () => {
        const shared = checkoutDatabaseName({ repoRoot: REPO_ROOT, stateDir: `/nonexistent/${uniqueId()}` });
        databases.push(shared);
        const url = withDatabase(ADMIN_DATABASE_URL, shared);
        const first = newStateDir();
        const firstEnv = { ...(await appPorts()), DATABASE_URL: url, ...nats(), QUIRE_STATE_DIR: first, LOG_LEVEL: 'warn' };
        let run = await started(firstEnv);
        const password = printedPassword(run.output())!;
        expect(password).toBeDefined();
        await stop(run);

        // A second checkout (state dir) pointed at the same database: nothing it could print works.
        const second = newStateDir();
        const secondEnv = { ...(await appPorts()), DATABASE_URL: url, ...nats(), QUIRE_STATE_DIR: second, LOG_LEVEL: 'warn' };
        run = await started(secondEnv);
        const output = run.output();
        expect(printedPassword(output)).toBeUndefined();
        expect(output).not.toMatch(/password Dev-/);
        expect(output).toMatch(/login admin\s+already existed in postgres:\/\/postgres@127\.0\.0\.1:5432\/\S+ before this state dir knew it: no password of it is kept in this state dir/);
        expect(output).toContain("that checkout's .quire/dev-admin-password");
        expect(output).toContain('/rest/ng/users/forgot-password');
        expect(fs.existsSync(path.join(second, 'dev-admin-password'))).toBe(false);
        // The admin is the first checkout's, with the first checkout's password.
        expect((await logIn(urlOf(secondEnv, 'gateway'), password)).status).toBe(200);
        await stop(run);

        // A password file that is not the admin's is named as such, and left alone.
        fs.writeFileSync(path.join(second, 'dev-admin-password'), 'Dev-not-the-password-1\n', { mode: 0o600 });
        run = await started({ ...secondEnv, ...nats() });
        expect(run.output()).toMatch(/the password in \S+dev-admin-password is not its password/);
        expect(run.output()).not.toMatch(/password Dev-|password in \S+dev-admin-password\n/);
        await stop(run);
      },
      4 * START_DEADLINE_MS,
    );
  });
});
