import { externalEditRoom } from '@quire/contracts';
import { ErrorCode } from '@quire/errors';
import { buildDocx, buildPdf, TestSocket, waitFor } from '@quire/testing';
import { agentKeepAlive, agentUpload, WordEditClient, WordEditStack } from './support/word-edit-stack';

/** The browser side of the word-edit spec, against identity + edit-session + gateway processes. */
describe('word-edit sessions (gateway → edit-session)', () => {
  let stack: WordEditStack;
  let alice: WordEditClient;
  let bob: WordEditClient;
  let editor: WordEditClient;
  let mallory: WordEditClient;

  beforeAll(async () => {
    stack = await WordEditStack.start('word_edit_sessions', { EDIT_SESSION_SWEEP_INTERVAL_SECONDS: '1' });
  });

  // Fresh users for every test: the per-user rate limits (10 starts a minute) never carry over.
  beforeEach(async () => {
    const client = async (options: Parameters<WordEditStack['signIn']>[0]) => new WordEditClient(stack, await stack.signIn(options));
    alice = await client({ account: 'A', displayName: 'Dr. Alice' });
    bob = await client({ account: 'A', displayName: 'Dr. Bob' });
    editor = await client({ account: 'A', displayName: 'Editor Eve', roles: ['user', 'report_editor'] });
    mallory = await client({ account: 'B', displayName: 'Mallory' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('POST /{lab_report_id}', () => {
    it('starts a session: token, presigned template_path of the template and the winword:// launch URL', async () => {
      const template = buildDocx('the template');
      const reportId = await alice.createReport();
      const { id: templateId, path } = await alice.uploadTemplate('Radiology', template);
      const answer = await alice.start(reportId, templateId, path);
      expect(answer.status).toBe(200);
      const { edit_id, auth_token, template_path, launch_url } = answer.body as Record<string, string>;
      expect(edit_id).toEqual(expect.any(Number));
      expect(auth_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(launch_url).toBe(`winword://${auth_token}^${edit_id}^${template_path}`);
      const download = await fetch(template_path);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(template)).toBe(true);
      expect(new URL(template_path).searchParams.get('X-Amz-Expires')).toBe('300');
    });

    it('answers 409 while a session is active, 400 for a missing report, template or foreign path', async () => {
      const { reportId, templateId, templatePath } = await alice.prepare();
      expect((await alice.start(reportId, templateId, templatePath)).status).toBe(200);
      const again = await bob.start(reportId, templateId, templatePath);
      expect(again).toMatchObject({ status: 409, body: { code: 409, message: 'An edit session is already active for this report', details: 'Active session already exists' } });

      const other = await alice.prepare();
      expect(await alice.start(999_999, other.templateId, other.templatePath)).toMatchObject({ status: 400, body: { code: 400, details: 'lab report not found' } });
      expect(await alice.start(other.reportId, 999_999, other.templatePath)).toMatchObject({ status: 400, body: { details: 'template not found' } });
      const foreign = await mallory.uploadTemplate();
      expect(await alice.start(other.reportId, foreign.id, other.templatePath)).toMatchObject({ status: 400, body: { details: 'template not found' } });
      expect(await alice.start(other.reportId, other.templateId, foreign.path)).toMatchObject({ status: 400, body: { details: 'word_s3_filepath is not an object of this account' } });
      expect(await alice.start(other.reportId, other.templateId, 's3://elsewhere/templates/x.docx')).toMatchObject({ status: 400 });
      expect(await alice.call('POST', `/${other.reportId}`, { template_id: other.templateId })).toMatchObject({ status: 400, body: { code: 400 } });
      expect(await alice.call('POST', `/${other.reportId}`, { template_id: other.templateId, word_s3_filepath: other.templatePath, extra: 1 })).toMatchObject({ status: 400 });
      expect(await mallory.start(other.reportId, foreign.id, foreign.path)).toMatchObject({ status: 400, body: { details: 'lab report not found' } });
      // Nothing was started by the failures: the report is still free.
      expect((await alice.start(other.reportId, other.templateId, other.templatePath)).status).toBe(200);
    });

    it('answers 401 without a token and 403 to an edit-session token', async () => {
      const session = await alice.startSession();
      const anonymous = await fetch(`${stack.gatewayUrl}/api-v3/report/external-edit/${session.reportId}`, { method: 'POST' });
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ code: 401, message: 'Authentication required', details: 'UNAUTHENTICATED' });
      const withAgentToken = new WordEditClient(stack, { ...alice.identity, token: session.token });
      expect((await withAgentToken.call('GET', `/${session.reportId}`)).status).toBe(403);
      expect((await withAgentToken.start(session.reportId, session.templateId, session.templatePath)).status).toBe(403);
      // Nor on any other family: the token is for the agent upload only.
      for (const [route, headers] of [
        ['/rest/ng/_ping', { 'x-os-api-token': session.token }],
        ['/api_v3/files/_ping', { 'x-apitoken': session.token }],
        ['/api/v1/_ping', { authorization: `Bearer ${session.token}` }],
      ] as const) {
        expect((await fetch(`${stack.gatewayUrl}${route}`, { headers })).status).toBe(403);
      }
    });

    it('refuses a WebSocket with an edit-session token', async () => {
      const session = await alice.startSession();
      const socket = await TestSocket.connectAs(stack.gatewayUrl, session.token);
      expect((await socket.closeCode()).code).toBe(4401);
    });
  });

  describe('GET /{lab_report_id}', () => {
    it('answers the active session; auth_token only for its author; 404 otherwise', async () => {
      const session = await alice.startSession();
      const mine = await alice.call('GET', `/${session.reportId}`);
      expect(mine.status).toBe(200);
      expect(mine.body).toEqual({
        id: session.editId,
        word_file_path: session.templatePath,
        pdf_file_path: null,
        auth_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        is_active: 1,
        author_name: 'Dr. Alice',
        updated_at: expect.any(Number),
        expires_at: expect.any(Number),
      });
      // The re-issued token works for the agent like the first one.
      expect((await agentUpload(stack, session.editId, mine.body['auth_token'] as string, { word: buildDocx('v1'), pdf: buildPdf() })).status).toBe(200);
      const afterUpload = await bob.call('GET', `/${session.reportId}`);
      expect(afterUpload.body).toMatchObject({ id: session.editId, auth_token: null, word_file_path: expect.stringMatching(/^s3:\/\/.+\.docx$/), pdf_file_path: expect.stringMatching(/\.pdf$/) });
      expect(afterUpload.body['updated_at']).toBeGreaterThanOrEqual(mine.body['updated_at'] as number);

      expect(await mallory.call('GET', `/${session.reportId}`)).toMatchObject({ status: 404, body: { code: 404 } });
      const idle = await alice.createReport();
      expect(await alice.call('GET', `/${idle}`)).toMatchObject({ status: 404, body: { code: 404, details: 'No active session found' } });
      expect(await alice.call('GET', '/not-a-number')).toMatchObject({ status: 400, body: { code: 400 } });
    });
  });

  describe('PUT /{edit_id}', () => {
    it('ends the session for its author only; 404 for unknown or ended sessions; the token dies', async () => {
      const session = await alice.startSession();
      expect(await bob.call('PUT', `/${session.editId}`)).toMatchObject({ status: 403, body: { code: 403, details: 'not the session author' } });
      expect(await mallory.call('PUT', `/${session.editId}`)).toMatchObject({ status: 404 });
      expect(await alice.call('PUT', '/987654321')).toMatchObject({ status: 404, body: { code: 404 } });
      expect(await alice.call('PUT', '/abc')).toMatchObject({ status: 400, body: { code: 400 } });
      expect(await alice.call('PUT', `/${session.editId}`)).toEqual(expect.objectContaining({ status: 200, body: { message: 'Session has been inactivated' } }));
      expect((await alice.call('GET', `/${session.reportId}`)).status).toBe(404);
      expect((await alice.call('PUT', `/${session.editId}`)).status).toBe(404);
      expect((await agentUpload(stack, session.editId, session.token, { word: buildDocx(), pdf: buildPdf() })).status).toBe(403);
      // The report is free again.
      expect((await bob.start(session.reportId, session.templateId, session.templatePath)).status).toBe(200);
    });
  });

  describe('POST /{edit_id}/takeover', () => {
    it('is open to a user an admin gave report_editor through the identity API, and closed again once it is taken away', async () => {
      const admin = await stack.signIn({ account: 'A', roles: ['user', 'admin'] });
      const roleOf = (who: WordEditClient, method: 'PUT' | 'DELETE') =>
        fetch(`${stack.gatewayUrl}/api/v1/users/${who.principal.userId}/roles/report_editor`, { method, headers: { 'x-api-token': admin.apiToken } });
      const first = await alice.startSession();
      // Bob has no such role yet (and has used his login, so the gateway has his principal cached).
      expect((await bob.call('POST', `/${first.editId}/takeover`)).status).toBe(403);
      const granted = await roleOf(bob, 'PUT');
      expect(granted.status).toBe(200);
      expect(((await granted.json()) as { roles: string[] }).roles).toEqual(['report_editor', 'user']);
      // A plain user cannot hand out roles.
      expect((await fetch(`${stack.gatewayUrl}/api/v1/users/${alice.principal.userId}/roles/report_editor`, { method: 'PUT', headers: { 'x-api-token': bob.identity.apiToken } })).status).toBe(403);

      expect((await bob.call('POST', `/${first.editId}/takeover`)).status).toBe(200);
      // Alice, without the role, cannot take it back.
      expect((await alice.call('POST', `/${first.editId}/takeover`)).status).toBe(403);

      expect((await roleOf(bob, 'DELETE')).status).toBe(200);
      const second = await (await stack.signIn({ account: 'A' }).then((carol) => new WordEditClient(stack, carol))).startSession();
      expect((await bob.call('POST', `/${second.editId}/takeover`)).status).toBe(403);
    });

    it('passes the session to an editor: new token, old one dead, earlier versions kept', async () => {
      const session = await alice.startSession();
      const saved = await agentUpload(stack, session.editId, session.token, { word: buildDocx('alice draft'), pdf: buildPdf('alice') });
      expect(saved.status).toBe(200);

      expect(await bob.call('POST', `/${session.editId}/takeover`)).toMatchObject({ status: 403, body: { code: 403 } });
      expect(await mallory.call('POST', `/${session.editId}/takeover`)).toMatchObject({ status: 403 });
      expect(await editor.call('POST', '/987654321/takeover')).toMatchObject({ status: 404 });

      const taken = await editor.call('POST', `/${session.editId}/takeover`);
      expect(taken.status).toBe(200);
      expect(taken.body).toMatchObject({ edit_id: session.editId, auth_token: expect.any(String), template_path: expect.stringContaining('http') });
      const newToken = taken.body['auth_token'] as string;
      // The .docx to open is the latest version (Alice's save), not the template.
      const opened = Buffer.from(await (await fetch(taken.body['template_path'] as string)).arrayBuffer());
      expect(opened.equals(buildDocx('alice draft'))).toBe(true);

      expect((await agentUpload(stack, session.editId, session.token, { word: buildDocx('late alice'), pdf: buildPdf() })).status).toBe(403);
      expect((await agentUpload(stack, session.editId, newToken, { word: buildDocx('eve edit'), pdf: buildPdf('eve') })).status).toBe(200);

      const active = await editor.call('GET', `/${session.reportId}`);
      expect(active.body).toMatchObject({ author_name: 'Editor Eve', auth_token: expect.any(String) });
      expect((await alice.call('GET', `/${session.reportId}`)).body['auth_token']).toBeNull();
      expect((await alice.call('PUT', `/${session.editId}`)).status).toBe(403);

      const history = await alice.call<Array<Record<string, unknown>>>('GET', `/${session.reportId}/versions`);
      expect(history.status).toBe(200);
      expect(history.body.map((v) => [v['version_number'], v['uploaded_by_name']])).toEqual([
        [2, 'Editor Eve'],
        [1, 'Dr. Alice'],
      ]);
    });
  });

  describe('versions', () => {
    it('lists versions newest first and redirects downloads to short presigned URLs', async () => {
      const session = await alice.startSession();
      const word = buildDocx('downloadable');
      const pdf = buildPdf('downloadable');
      expect((await agentUpload(stack, session.editId, session.token, { word, pdf })).status).toBe(200);
      const [version] = (await alice.call<Array<Record<string, unknown>>>('GET', `/${session.reportId}/versions`)).body;
      expect(version).toMatchObject({ version_number: 1, edit_id: session.editId, word_size: word.length, pdf_size: pdf.length, uploaded_by_name: 'Dr. Alice' });

      for (const [kind, bytes] of [['docx', word], ['pdf', pdf]] as const) {
        const redirect = await alice.call('GET', `/${session.reportId}/versions/${version!['id']}/${kind}`);
        expect(redirect.status).toBe(302);
        const location = redirect.headers.get('location')!;
        expect(Buffer.from(await (await fetch(location)).arrayBuffer()).equals(bytes)).toBe(true);
      }
      expect((await mallory.call('GET', `/${session.reportId}/versions`)).status).toBe(404);
      expect((await mallory.call('GET', `/${session.reportId}/versions/${version!['id']}/pdf`)).status).toBe(404);
      expect((await alice.call('GET', `/${session.reportId}/versions/${version!['id']}/exe`)).status).toBe(400);
      expect((await alice.call('GET', '/987654321/versions')).status).toBe(404);
    });
  });

  describe('reports and templates', () => {
    it('creates and lists per account; refuses a template that is not a .docx', async () => {
      const id = await bob.createReport('Lipid panel');
      const listed = await bob.call<Array<Record<string, unknown>>>('GET', '/reports?limit=200');
      expect(listed.body.some((report) => report['id'] === id && report['title'] === 'Lipid panel')).toBe(true);
      expect((await mallory.call<Array<Record<string, unknown>>>('GET', '/reports')).body.some((report) => report['id'] === id)).toBe(false);
      // A missing title is said to be missing (not "title must be shorter than…").
      expect(await bob.call('POST', '/reports', {})).toMatchObject({ status: 400, body: { code: 400, message: 'title: title is required' } });

      const form = new FormData();
      form.append('name', 'not a docx');
      form.append('file', new Blob([new Uint8Array(buildPdf())]), 'x.docx');
      const refused = await bob.call('POST', '/templates', form);
      expect(refused).toMatchObject({ status: 400, body: { code: 400 } });
      // The template route's field is `file`: its errors never name the agent's word_file.
      expect(JSON.stringify(refused.body)).not.toContain('word_file');
      const templates = await bob.call<Array<Record<string, unknown>>>('GET', '/templates');
      expect(templates.status).toBe(200);
      expect(templates.body.every((template) => template['name'] !== 'not a docx')).toBe(true);
    });
  });

  describe('WebSocket room external_edit_{lab_report_id}', () => {
    it('delivers session_created, files_uploaded, authorship_changed, session_ended in order, only to the account', async () => {
      const { reportId, templateId, templatePath } = await alice.prepare();
      const room = externalEditRoom(reportId);
      const watcher = await TestSocket.connectAs(stack.gatewayUrl, bob.identity.token);
      const outsider = await TestSocket.connectAs(stack.gatewayUrl, mallory.identity.token);
      try {
        expect((await watcher.join(room)).event).toBe('joined');
        expect((await outsider.join(room)).data).toMatchObject({ code: ErrorCode.Forbidden, room });
        expect((await outsider.join('external_edit_0')).event).toBe('error');

        const started = await alice.start(reportId, templateId, templatePath);
        const editId = started.body['edit_id'] as number;
        const upload = await agentUpload(stack, editId, started.body['auth_token'] as string, { word: buildDocx('ws'), pdf: buildPdf('ws') });
        expect(upload.status).toBe(200);
        expect((await editor.call('POST', `/${editId}/takeover`)).status).toBe(200);
        expect((await editor.call('PUT', `/${editId}`)).status).toBe(200);

        const events = await waitFor(() => watcher.events(room).length >= 4 && watcher.events(room), { description: 'four room events' });
        expect(events.map((frame) => frame.event)).toEqual(['session_created', 'files_uploaded', 'authorship_changed', 'session_ended']);
        const sequences = events.map((frame) => frame.sequence!);
        expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
        expect(new Set(sequences).size).toBe(4);
        expect(events[0]!.data).toMatchObject({ lab_report_id: reportId, edit_id: editId, author_name: 'Dr. Alice' });
        const versions = (await alice.call<Array<Record<string, unknown>>>('GET', `/${reportId}/versions`)).body;
        expect(events[1]!.data).toMatchObject({ edit_id: editId, version_id: versions[0]!['id'], word_s3_path: upload.body['word_s3_path'] });
        expect(events[2]!.data).toMatchObject({ author_name: 'Editor Eve', previous_author_name: 'Dr. Alice' });
        expect(events[3]!.data).toMatchObject({ reason: 'ended', author_name: 'Editor Eve' });
        expect(outsider.events(room)).toEqual([]);
      } finally {
        watcher.close();
        outsider.close();
      }
    });
  });

  describe('expiry', () => {
    it('the sweeper ends a lapsed session, announces it, and its token stops working', async () => {
      const session = await alice.startSession();
      const room = externalEditRoom(session.reportId);
      const watcher = await TestSocket.connectAs(stack.gatewayUrl, alice.identity.token);
      try {
        expect((await watcher.join(room)).event).toBe('joined');
        await stack.pg.query(`UPDATE edit_session.edit_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [session.editId]);
        const ended = await waitFor(() => watcher.events(room).find((frame) => frame.event === 'session_ended'), {
          description: 'session_ended from the sweeper',
        });
        expect(ended.data).toMatchObject({ edit_id: session.editId, reason: 'expired' });
        const { rows } = await stack.pg.query('SELECT is_active, end_reason FROM edit_session.edit_sessions WHERE id = $1', [session.editId]);
        expect(rows[0]).toEqual({ is_active: false, end_reason: 'expired' });
        expect((await alice.call('GET', `/${session.reportId}`)).status).toBe(404);
        expect((await agentUpload(stack, session.editId, session.token, { word: buildDocx(), pdf: buildPdf() })).status).toBe(403);
      } finally {
        watcher.close();
      }
    });
  });

  describe('lease', () => {
    const leaseOf = async (editId: number) =>
      (await stack.pg.query('SELECT expires_at, max_expires_at FROM edit_session.edit_sessions WHERE id = $1', [editId])).rows[0] as {
        expires_at: Date;
        max_expires_at: Date;
      };

    it('starts as a lease shorter than the session lifetime; keepalive and saves renew it, never past the lifetime', async () => {
      const session = await alice.startSession();
      const started = await leaseOf(session.editId);
      // Defaults: a 900 s lease inside an 8 h lifetime.
      expect(started.max_expires_at.getTime() - started.expires_at.getTime()).toBeGreaterThan(7 * 3600 * 1000);
      await stack.pg.query(`UPDATE edit_session.edit_sessions SET expires_at = now() + interval '30 seconds' WHERE id = $1`, [session.editId]);

      const renewed = await agentKeepAlive(stack, session.editId, session.token);
      expect(renewed.status).toBe(200);
      expect(renewed.body).toEqual({ edit_id: session.editId, expires_at: expect.any(Number) });
      expect(renewed.body['expires_at'] as number).toBeGreaterThan(Date.now() + 800_000);
      expect((await leaseOf(session.editId)).expires_at.getTime()).toBe(renewed.body['expires_at']);

      await stack.pg.query(`UPDATE edit_session.edit_sessions SET expires_at = now() + interval '30 seconds' WHERE id = $1`, [session.editId]);
      expect((await agentUpload(stack, session.editId, session.token, { word: buildDocx('lease'), pdf: buildPdf('lease') })).status).toBe(200);
      expect((await leaseOf(session.editId)).expires_at.getTime()).toBeGreaterThan(Date.now() + 800_000);

      await stack.pg.query(
        `UPDATE edit_session.edit_sessions SET expires_at = now() + interval '5 seconds', max_expires_at = now() + interval '10 seconds' WHERE id = $1`,
        [session.editId],
      );
      const capped = await agentKeepAlive(stack, session.editId, session.token);
      expect(capped.status).toBe(200);
      expect(capped.body['expires_at'] as number).toBe((await leaseOf(session.editId)).max_expires_at.getTime());
    });

    it('refuses a keepalive without the agent header, with a login token, or for an ended session', async () => {
      const session = await alice.startSession();
      expect((await agentKeepAlive(stack, session.editId, session.token, {})).status).toBe(400);
      expect((await agentKeepAlive(stack, session.editId, alice.identity.token)).status).toBe(403);
      expect((await alice.call('PUT', `/${session.editId}`)).status).toBe(200);
      const ended = await agentKeepAlive(stack, session.editId, session.token);
      expect(ended.status).toBe(403);
      expect(ended.body).toMatchObject({ code: 403 });
    });
  });

  describe('access removed', () => {
    it("disabling the author in identity ends their sessions at once, announced, and the agent's token dies", async () => {
      const admin = await stack.signIn({ account: 'A', roles: ['admin'] });
      const session = await alice.startSession();
      const room = externalEditRoom(session.reportId);
      const watcher = await TestSocket.connectAs(stack.gatewayUrl, bob.identity.token);
      try {
        expect((await watcher.join(room)).event).toBe('joined');
        const disabled = await fetch(`${stack.gatewayUrl}/rest/ng/users/${alice.principal.userId}/status`, {
          method: 'PUT',
          headers: { 'x-os-api-token': admin.token, 'content-type': 'application/json' },
          body: JSON.stringify({ status: 'disabled' }),
        });
        expect(disabled.status).toBe(200);
        const ended = await waitFor(() => watcher.events(room).find((frame) => frame.event === 'session_ended'), {
          description: 'session_ended after the author was disabled',
        });
        expect(ended.data).toMatchObject({ edit_id: session.editId, reason: 'access_revoked' });
        const { rows } = await stack.pg.query('SELECT is_active, end_reason FROM edit_session.edit_sessions WHERE id = $1', [session.editId]);
        expect(rows[0]).toEqual({ is_active: false, end_reason: 'access_revoked' });
        expect((await agentUpload(stack, session.editId, session.token, { word: buildDocx(), pdf: buildPdf() })).status).toBe(403);
        // The report is free again for someone who still has access.
        expect((await bob.start(session.reportId, session.templateId, session.templatePath)).status).toBe(200);
      } finally {
        watcher.close();
      }
    });
  });

  describe('rate limits', () => {
    it('allows 10 session starts per minute per user, then 429 with Retry-After', async () => {
      const hasty = new WordEditClient(stack, await stack.signIn({ account: 'A' }));
      const statuses: number[] = [];
      for (let i = 0; i < 11; i += 1) statuses.push((await hasty.call('POST', '/999999', { template_id: 1, word_s3_filepath: 's3://x/y' })).status);
      expect(statuses).toEqual([...Array(10).fill(400), 429]);
      const limited = await hasty.call('POST', '/999999', { template_id: 1, word_s3_filepath: 's3://x/y' });
      expect(limited.body).toMatchObject({ code: 429 });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // The budget is the user's, not the credential's: a freshly minted API token does not reset it.
      const minted = await fetch(`${stack.gatewayUrl}/api/v1/tokens`, {
        method: 'POST',
        headers: { 'x-api-token': hasty.identity.token, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: hasty.principal.userId, name: 'second wind' }),
      });
      expect(minted.status).toBe(201);
      const { token } = (await minted.json()) as { token: string };
      const viaToken = await hasty.call('POST', '/999999', { template_id: 1, word_s3_filepath: 's3://x/y' }, { authorization: `Bearer ${token}` });
      expect(viaToken.status).toBe(429);
      // Taking over counts in the same budget.
      expect((await hasty.call('POST', '/999999/takeover')).status).toBe(429);
    });

    it('allows 60 session reads per minute per user', async () => {
      const reader = new WordEditClient(stack, await stack.signIn({ account: 'A' }));
      const statuses = await Promise.all(Array.from({ length: 60 }, () => reader.call('GET', '/999999').then((a) => a.status)));
      expect(statuses.every((status) => status === 404)).toBe(true);
      const limited = await reader.call('GET', '/999999');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    });
  });
});
