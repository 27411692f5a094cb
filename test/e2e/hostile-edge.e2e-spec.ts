import { request as httpRequest } from 'node:http';
import { Client } from 'pg';
import { buildDocx, E2eStack, RunningApp, signInAs, startApp, TestIdentity } from '@quire/testing';

/** Answers are read loosely here: each test states the shape it expects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Answer {
  status: number;
  json: Json;
  text: string;
}

/**
 * One request with exactly these bytes and headers (no header added for us: fetch would add a
 * content type to a string body and refuses raw bytes in a URL).
 */
function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Answer> {
  const url = new URL(base);
  const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, agent: false, method, path, headers: { ...headers, ...(bytes ? { 'content-length': String(bytes.length) } : {}) }, insecureHTTPParser: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Each family's error body, checked by shape (ADR 002). */
const shapes: Record<'word-edit' | 'file-upload' | 'documents' | 'viewing' | 'rest-auth', (json: Json, status?: number) => void> = {
  'word-edit': (json: Json, status?: number) => expect(json).toEqual({ code: status, message: expect.any(String), details: expect.any(String) }),
  'file-upload': (json: Json) => expect(json).toEqual({ error: { code: expect.any(String), message: expect.any(String) } }),
  documents: (json: Json) => expect(json).toEqual({ code: expect.any(String), message: expect.any(String), details: expect.any(Object) }),
  viewing: (json: Json) => expect(json).toMatchObject({ errorCode: expect.any(String), errorDetails: { message: expect.any(String) } }),
  'rest-auth': (json: Json) => expect(json).toEqual([{ code: expect.any(String), message: expect.any(String) }]),
};

/**
 * Issue 16's edge bullets on the wire, one family after another: NUL / lone surrogates / bad
 * encodings refused with the family's 400, deep JSON refused while parsing, an empty body is no
 * body, Fastify's own errors in the family's shape (414, 415, bad JSON, too large), strict ids.
 */
describe('hostile input at the edge (gateway + all five services)', () => {
  const e2e = new E2eStack();
  let gateway: RunningApp;
  let admin: TestIdentity;
  let pg: Client;
  let secret: string;
  const MOUNT = '/api-v3/report/external-edit';

  beforeAll(async () => {
    const env = await e2e.open('hostile-edge', { RATE_LIMIT_PER_MINUTE: '100000' });
    // Five services at once on a loaded two-core machine: more than startApp's default 30 s.
    const services = ['identity', 'edit-session', 'file', 'document-repository', 'viewing-session'];
    e2e.apps.push(...(await Promise.all(services.map((name) => startApp(name, env, 150_000)))));
    gateway = await startApp('gateway', env, 150_000);
    e2e.apps.push(gateway);
    admin = await signInAs({ gatewayUrl: gateway.url, env }, { account: 'EDGE', roles: ['user', 'admin'] });
    pg = new Client({ connectionString: e2e.databaseUrl });
    await pg.connect();
    const created = await call('POST', '/pas/quire/accusoftSecret', { authorization: `Bearer ${admin.token}` });
    expect(created.status).toBe(200);
    secret = created.json.secret as string;
  }, 400_000);

  afterAll(async () => {
    await pg?.end();
    await e2e.close();
  });

  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string) => send(gateway.url, method, path, headers, body);
  const as = {
    wordEdit: () => ({ authorization: `Bearer ${admin.token}` }),
    fileUpload: () => ({ 'x-apitoken': admin.apiToken }),
    documents: () => ({ 'x-api-token': admin.apiToken }),
    viewing: () => ({ 'accusoft-secret': secret }),
    restAuth: () => ({ 'x-os-api-token': admin.token }),
  };
  const count = async (table: string) => Number((await pg.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);

  describe('NUL and lone surrogates in JSON bodies: the family 400, nothing written', () => {
    it('rest-auth: POST /rest/ng/sessions {"loginName":"a\\u0000b"}', async () => {
      const answer = await call('POST', '/rest/ng/sessions', JSON_TYPE, '{"loginName":"a\\u0000b","password":"x"}');
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual([{ code: 'VALIDATION_FAILED', message: 'loginName: contains a NUL character' }]);
    });

    it('rest-auth: sign-up and forgot-password', async () => {
      const users = await count('identity.users');
      const signUp = await call('POST', '/rest/ng/users/sign-up', JSON_TYPE, '{"loginName":"x\\u0000","email":"a@b.cd","firstName":"a","lastName":"b","password":"Pw-123456789"}');
      expect(signUp.status).toBe(400);
      shapes['rest-auth'](signUp.json);
      const forgot = await call('POST', '/rest/ng/users/forgot-password', JSON_TYPE, '{"loginName":"\\ud800"}');
      expect(forgot.status).toBe(400);
      expect(forgot.json[0].message).toContain('lone UTF-16 surrogate');
      expect(await count('identity.users')).toBe(users);
    });

    it('documents: POST /api/v1/teams, /api/v1/tokens, /api/v1/users', async () => {
      const teams = await count('identity.teams');
      const team = await call('POST', '/api/v1/teams', { ...JSON_TYPE, ...as.documents() }, '{"name":"a\\u0000"}');
      expect(team.status).toBe(400);
      expect(team.json).toEqual({ code: 'VALIDATION_FAILED', message: 'name: contains a NUL character', details: { fields: { name: ['contains a NUL character'] } } });
      const token = await call('POST', '/api/v1/tokens', { ...JSON_TYPE, ...as.documents() }, JSON.stringify({ userId: admin.principal.userId, name: 'n\u0000' }));
      expect(token.status).toBe(400);
      const users = await call('POST', '/api/v1/users', { ...JSON_TYPE, ...as.documents() }, '[{"email":"a@b.cd","firstName":"\\udc00x","lastName":"b"}]');
      expect(users.status).toBe(400);
      expect(users.json.details.fields).toEqual({ '0.firstName': ['contains a lone UTF-16 surrogate'] });
      // A key with NUL is refused too.
      const key = await call('POST', '/api/v1/teams', { ...JSON_TYPE, ...as.documents() }, '{"name":"ok","\\u0000":1}');
      expect(key.status).toBe(400);
      expect(await count('identity.teams')).toBe(teams);
    });

    it('word-edit: POST …/reports', async () => {
      const reports = await count('edit_session.lab_reports');
      const answer = await call('POST', `${MOUNT}/reports`, { ...JSON_TYPE, ...as.wordEdit() }, '{"title":"CBC \\u0000"}');
      expect(answer.status).toBe(400);
      shapes['word-edit'](answer.json, 400);
      expect(await count('edit_session.lab_reports')).toBe(reports);
    });

    it('viewing: POST /pas/ViewingSession is a 480', async () => {
      const answer = await call('POST', '/pas/ViewingSession', { ...JSON_TYPE, ...as.viewing() }, '{"source":{"type":"upload","displayName":"a\\u0000.docx"}}');
      expect(answer.status).toBe(480);
      expect(answer.json).toMatchObject({ errorCode: 'InvalidInput', at: 'source.displayName' });
    });

    it('file-upload: rename by JSON, by urlencoded form and by multipart form', async () => {
      const id = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
      const json = await call('POST', `/api_v3/files/${id}`, { ...JSON_TYPE, ...as.fileUpload() }, '{"name":"a\\u0000.pdf"}');
      expect(json.status).toBe(400);
      shapes['file-upload'](json.json);
      const form = await call('POST', `/api_v3/files/${id}`, { 'content-type': 'application/x-www-form-urlencoded', ...as.fileUpload() }, 'name=a%00.pdf');
      expect(form.status).toBe(400);
      shapes['file-upload'](form.json);
      const boundary = 'XyZ';
      const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\na\u0000.pdf\r\n--${boundary}--\r\n`;
      const parts = await call('POST', `/api_v3/files/${id}`, { 'content-type': `multipart/form-data; boundary=${boundary}`, ...as.fileUpload() }, multipart);
      expect(parts.status).toBe(400);
      expect(parts.json.error.message).toContain('NUL');
    });

    it('a multipart text field of an upload (word-edit template `name`): 400, no row, no object', async () => {
      const templates = await count('edit_session.report_templates');
      const form = new FormData();
      form.append('name', 'Radiology\u0000');
      form.append('file', new Blob([new Uint8Array(buildDocx('template'))]), 'template.docx');
      const response = await fetch(`${gateway.url}${MOUNT}/templates`, { method: 'POST', headers: as.wordEdit(), body: form });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 400, message: '"name" contains a NUL character' });
      expect(await count('edit_session.report_templates')).toBe(templates);
    });

    it('invalid UTF-8 bytes in a JSON body: the family 400', async () => {
      const bytes = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
      const answer = await call('POST', '/api/v1/teams', { ...JSON_TYPE, ...as.documents() }, bytes);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ code: 'BAD_REQUEST', message: 'The body is not valid UTF-8' });
    });
  });

  describe('NUL, bad percent-encoding and invalid UTF-8 in the path and the query', () => {
    it('rest-auth: GET /rest/ng/institutes/byname?name=%00', async () => {
      const answer = await call('GET', '/rest/ng/institutes/byname?name=%00');
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual([{ code: 'BAD_REQUEST', message: 'The query contains a NUL character' }]);
    });

    it('documents: GET /api/v1/user/byemail?email=%00@a.b and a NUL path id', async () => {
      const query = await call('GET', '/api/v1/user/byemail?email=%00@a.b', as.documents());
      expect(query.status).toBe(400);
      shapes.documents(query.json);
      const path = await call('GET', '/api/v1/projects/%00', as.documents());
      expect(path.status).toBe(400);
      expect(path.json.message).toBe('The path contains a NUL character');
    });

    it('word-edit, file-upload, viewing: NUL, lone surrogate, bad escapes, raw bytes', async () => {
      const wordEdit = await call('GET', `${MOUNT}/reports?limit=%00`, as.wordEdit());
      expect(wordEdit.status).toBe(400);
      shapes['word-edit'](wordEdit.json, 400);
      const files = await call('GET', '/api_v3/files?target_id=%ED%A0%80', as.fileUpload());
      expect(files.status).toBe(400);
      shapes['file-upload'](files.json);
      const badEscape = await call('GET', '/api_v3/files/%E0%A4%A', as.fileUpload());
      expect(badEscape.status).toBe(400);
      shapes['file-upload'](badEscape.json);
      const viewing = await call('GET', '/pas/Page/q/0?DocumentID=u%FF');
      expect(viewing.status).toBe(480);
      shapes.viewing(viewing.json);
      const raw = await call('GET', '/api/v1/users?x=\u00ff', as.documents());
      expect(raw.status).toBe(400);
      shapes.documents(raw.json);
    });
  });

  describe('JSON depth and size, checked while parsing', () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const deepObject = `${'{"a":'.repeat(6_000)}1${'}'.repeat(6_000)}`;

    it('a body nested 10,000 deep is the family 400 (every family, public routes too)', async () => {
      const answers = {
        'rest-auth': await call('POST', '/rest/ng/sessions', JSON_TYPE, deep),
        documents: await call('POST', '/api/v1/teams', { ...JSON_TYPE, ...as.documents() }, deepObject),
        'word-edit': await call('POST', `${MOUNT}/reports`, { ...JSON_TYPE, ...as.wordEdit() }, deep),
        'file-upload': await call('POST', '/api_v3/files/6ba7b810-9dad-11d1-80b4-00c04fd430c8', { ...JSON_TYPE, ...as.fileUpload() }, deep),
        viewing: await call('POST', '/pas/ViewingSession', { ...JSON_TYPE, ...as.viewing() }, deepObject),
      };
      for (const [family, answer] of Object.entries(answers)) {
        expect({ family, status: answer.status }).toEqual({ family, status: family === 'viewing' ? 480 : 400 });
        shapes[family as keyof typeof shapes](answer.json, 400);
        expect(answer.text).toContain('deeper than 32');
      }
    });

    it('a body over BODY_LIMIT_BYTES is the family 413', async () => {
      const big = JSON.stringify({ title: 'x'.repeat(1024 * 1024 + 10) });
      const wordEdit = await call('POST', `${MOUNT}/reports`, { ...JSON_TYPE, ...as.wordEdit() }, big);
      expect(wordEdit.status).toBe(413);
      shapes['word-edit'](wordEdit.json, 413);
      const viewing = await call('POST', '/pas/ViewingSession', { ...JSON_TYPE, ...as.viewing() }, big);
      expect(viewing.status).toBe(413);
      expect(viewing.json.errorCode).toBe('RequestTooLarge');
    });

    it('bad JSON is the family 400, not Fastify\'s shape', async () => {
      const answer = await call('POST', '/rest/ng/sessions', JSON_TYPE, '{"loginName":');
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual([{ code: 'BAD_REQUEST', message: 'The body is not valid JSON' }]);
    });
  });

  describe('an empty body is no body', () => {
    it('DELETE /rest/ng/sessions with Content-Type: application/json logs out (the token stops working)', async () => {
      const user = await signInAs({ gatewayUrl: gateway.url, env: e2e.env }, { account: 'EDGE' });
      const logout = await call('DELETE', '/rest/ng/sessions', { ...JSON_TYPE, 'x-os-api-token': user.token }, '');
      expect(logout.status).toBe(200);
      const after = await call('GET', '/rest/ng/_ping', { 'x-os-api-token': user.token });
      expect(after.status).toBe(401);
    });

    it('documents: DELETE /api/v1/tokens/{id}, PUT|DELETE /api/v1/teams/{id}/users/{email}, with either form', async () => {
      const created = await call('POST', '/api/v1/tokens', { ...JSON_TYPE, ...as.documents() }, JSON.stringify({ userId: admin.principal.userId, name: 'edge' }));
      expect(created.status).toBe(201);
      const removed = await call('DELETE', `/api/v1/tokens/${created.json.id}`, { ...JSON_TYPE, ...as.documents() }, '');
      expect(removed.status).toBe(200);
      const team = await call('POST', '/api/v1/teams', { ...JSON_TYPE, ...as.documents() }, '{"name":"edge team"}');
      expect(team.status).toBe(201);
      const member = `/api/v1/teams/${team.json.id}/users/${encodeURIComponent(admin.principal.email!)}`;
      const put = await call('PUT', member, { ...JSON_TYPE, ...as.documents() }, '');
      expect(put.status).toBe(200);
      // Content-Length: 0 and no content type at all.
      const deleted = await call('DELETE', member, as.documents(), '');
      expect(deleted.status).toBe(200);
      const putAgain = await call('PUT', member, { 'content-type': 'application/x-www-form-urlencoded', ...as.documents() }, '');
      expect(putAgain.status).toBe(200);
    });

    it('word-edit: keepalive, takeover and end (PUT) with an empty JSON body', async () => {
      const report = await call('POST', `${MOUNT}/reports`, { ...JSON_TYPE, ...as.wordEdit() }, '{"title":"edge report"}');
      expect(report.status).toBe(201);
      const form = new FormData();
      form.append('name', 'Edge');
      form.append('file', new Blob([new Uint8Array(buildDocx('template'))]), 'template.docx');
      const template = (await (await fetch(`${gateway.url}${MOUNT}/templates`, { method: 'POST', headers: as.wordEdit(), body: form })).json()) as Json;
      const started = await call('POST', `${MOUNT}/${report.json.id}`, { ...JSON_TYPE, ...as.wordEdit() }, JSON.stringify({ template_id: template.id, word_s3_filepath: template.word_s3_filepath }));
      expect(started.status).toBe(200);
      const editId = started.json.edit_id as number;
      const keepAlive = await call('POST', `${MOUNT}/agent/${editId}/keepalive`, { ...JSON_TYPE, authorization: `Bearer ${started.json.auth_token}`, 'x-is-external-edit-request': 'true' }, '');
      expect(keepAlive.status).toBe(200);
      const takeover = await call('POST', `${MOUNT}/${editId}/takeover`, { ...JSON_TYPE, ...as.wordEdit() }, '');
      expect(takeover.status).toBe(200);
      const end = await call('PUT', `${MOUNT}/${takeover.json.edit_id}`, { ...JSON_TYPE, ...as.wordEdit() }, '');
      expect(end.status).toBe(200);
      expect(end.json).toEqual({ message: 'Session has been inactivated' });
    });

    it('file-upload: DELETE /api_v3/files/{id} with an empty JSON body', async () => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(Buffer.from('%PDF-1.4\n%edge\n'))]), 'edge.pdf');
      form.append('meta.category', 'user_document');
      const uploaded = (await (await fetch(`${gateway.url}/api_v3/files`, { method: 'POST', headers: as.fileUpload(), body: form })).json()) as Json;
      expect(uploaded.data.id).toBeDefined();
      const deleted = await call('DELETE', `/api_v3/files/${uploaded.data.id}`, { ...JSON_TYPE, ...as.fileUpload() }, '');
      expect(deleted.status).toBe(200);
      expect(deleted.json).toEqual({ data: true });
    });

    it('a route that needs a body answers its own validation 400 for an empty one', async () => {
      const login = await call('POST', '/rest/ng/sessions', JSON_TYPE, '');
      expect(login.status).toBe(400);
      expect(login.json[0].code).toBe('VALIDATION_FAILED');
      const project = await call('POST', '/api/v1/projects', { ...JSON_TYPE, ...as.documents() }, '');
      expect(project.status).toBe(400);
      expect(project.json.code).toBe('VALIDATION_FAILED');
    });
  });

  describe("Fastify's own errors in the family's shape", () => {
    it('414 FST_ERR_MAX_PARAM_LENGTH', async () => {
      const long = 'x'.repeat(200);
      const documents = await call('GET', `/api/v1/user/id/${long}`, as.documents());
      expect(documents.status).toBe(414);
      expect(documents.json).toMatchObject({ code: 'URI_TOO_LONG', details: { reason: 'FST_ERR_MAX_PARAM_LENGTH' } });
      const wordEdit = await call('GET', `${MOUNT}/${long}`, as.wordEdit());
      expect(wordEdit.status).toBe(414);
      shapes['word-edit'](wordEdit.json, 414);
      const restAuth = await call('PUT', `/rest/ng/users/${long}/status`, as.restAuth());
      expect(restAuth.status).toBe(414);
      shapes['rest-auth'](restAuth.json);
    });

    it('an unsupported content type is 415; form bodies are refused on JSON routes (415)', async () => {
      const xml = await call('POST', '/api/v1/teams', { 'content-type': 'application/xml', ...as.documents() }, '<team/>');
      expect(xml.status).toBe(415);
      expect(xml.json).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
      const form = await call('POST', '/rest/ng/sessions', { 'content-type': 'application/x-www-form-urlencoded' }, 'loginName=a&password=b');
      expect(form.status).toBe(415);
      expect(form.json).toEqual([{ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) }]);
      const text = await call('POST', `${MOUNT}/reports`, { 'content-type': 'text/plain', ...as.wordEdit() }, 'title');
      expect(text.status).toBe(415);
      shapes['word-edit'](text.json, 415);
      const viewing = await call('POST', '/pas/ViewingSession', { 'content-type': 'application/x-www-form-urlencoded', ...as.viewing() }, 'a=b');
      expect(viewing.status).toBe(415);
      shapes.viewing(viewing.json);
    });
  });

  describe('strict numbers for ids and paging', () => {
    it('GET /api/v1/users?page=999999999999999999999999999999 is the documents 400 (was a 500)', async () => {
      const answer = await call('GET', '/api/v1/users?page=999999999999999999999999999999', as.documents());
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: { page: expect.any(Array) } } });
      expect((await call('GET', '/api/v1/users?page=1', as.documents())).status).toBe(200);
    });

    it('word-edit ids 0x2, 0b10, 2e0, +2, 2.0 are 400s, not report 2', async () => {
      for (let created = 0; created < 2; created++) {
        expect((await call('POST', `${MOUNT}/reports`, { ...JSON_TYPE, ...as.wordEdit() }, '{"title":"numbered"}')).status).toBe(201);
      }
      const plain = await call('GET', `${MOUNT}/2/versions`, as.wordEdit());
      expect(plain.status).toBe(200);
      for (const odd of ['0x2', '0b10', '2e0', '%2B2', '2.0', '02', '%202']) {
        const answer = await call('GET', `${MOUNT}/${odd}/versions`, as.wordEdit());
        expect({ odd, status: answer.status }).toEqual({ odd, status: 400 });
        shapes['word-edit'](answer.json, 400);
      }
      const limit = await call('GET', `${MOUNT}/reports?limit=0x10`, as.wordEdit());
      expect(limit.status).toBe(400);
    });

    it('file-upload paging and viewing page numbers read strictly too', async () => {
      const files = await call('GET', '/api_v3/files?page=1e3', as.fileUpload());
      expect(files.status).toBe(400);
      shapes['file-upload'](files.json);
      const page = await call('GET', '/pas/Page/q/0x1?DocumentID=uAAAAAAAAAAAAAAAAAAAAAAAA');
      expect(page.status).toBe(480);
      expect(page.json).toMatchObject({ errorCode: 'InvalidInput', at: 'pageNumber' });
    });
  });
});
