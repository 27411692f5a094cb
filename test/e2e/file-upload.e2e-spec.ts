import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { connect, JSONCodec } from 'nats';
import { Client } from 'pg';
import sharp from 'sharp';
import {
  buildZipOf,
  createTestDatabase,
  listKeys,
  removeBucket,
  RunningApp,
  signInAs,
  startApp,
  TestDatabase,
  testEnv,
  TestIdentity,
  testS3Client,
  waitFor,
} from '@quire/testing';

const LINK_SECRET = 'file-link-secret-for-tests-0123456789abcdef';
const LINK_TTL_SECONDS = 600;
const AVATAR_MAX_BYTES = 150_000;

interface WireFile {
  id: string;
  name: string;
  size: number;
  ext: string;
  fullpath: string;
  meta: { category: string; target: { id: string; type: string }; account: { code: string }; visible: boolean };
  creator: { id: string; username: string; email: string | null; full_name: string | null };
  created: number;
  modified: number;
  is_deletable: boolean;
}

/** Runs a command as the spec prints it: its ` \ ` are line continuations flattened into one line. */
function run(command: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command.replace(/ \\ /g, ' \\\n ')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

/** A PNG whose header claims `width` × `height` pixels but holds almost no data. */
function pixelBombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const docx = buildZipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
const xlsx = buildZipOf({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' });

describe('file-upload family (gateway + file service + identity, real Postgres / NATS / S3)', () => {
  const s3 = testS3Client();
  let database: TestDatabase;
  let env: Record<string, string>;
  const apps: RunningApp[] = [];
  let gateway: RunningApp;
  let fileApp: RunningApp;
  let workDir: string;
  let owner: TestIdentity;
  let colleague: TestIdentity;
  let admin: TestIdentity;
  let outsider: TestIdentity;
  let photo: Buffer;
  let bigPhoto: Buffer;
  let pdf: Buffer;

  beforeAll(async () => {
    database = await createTestDatabase('files');
    env = testEnv({
      DATABASE_URL: database.url,
      FILE_LINK_SECRET: LINK_SECRET,
      FILE_LINK_TTL_SECONDS: String(LINK_TTL_SECONDS),
      FILE_MAX_BYTES_USER_AVATAR: String(AVATAR_MAX_BYTES),
      FILE_VARIANT_MAX_INPUT_PIXELS: '20000000',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    [fileApp] = await Promise.all([startApp('file', env), startApp('identity', env).then((app) => apps.push(app))]);
    apps.push(fileApp);
    gateway = await startApp('gateway', env);
    apps.push(gateway);
    const stack = { gatewayUrl: gateway.url, env };
    owner = await signInAs(stack, { account: 'A', loginName: 'owner@clinic.test', displayName: 'Olive Owner' });
    colleague = await signInAs(stack, { account: 'A' });
    admin = await signInAs(stack, { account: 'A', roles: ['user', 'admin'] });
    outsider = await signInAs(stack, { account: 'B' });
    // EXIF orientation 6 (rotate 90° clockwise): 200x100 stored, 100x200 shown.
    photo = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#c03' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    bigPhoto = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#2a6' } }).jpeg({ quality: 80 }).toBuffer();
    pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
    workDir = await mkdtemp(path.join(tmpdir(), 'quire-files-'));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await database?.drop();
    if (env) await removeBucket(s3, env.S3_BUCKET);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  async function upload(
    who: TestIdentity,
    name: string,
    bytes: Buffer,
    fields: Record<string, string> = { 'meta.category': 'user_document' },
  ): Promise<{ status: number; json: { data?: WireFile; error?: { code: string; message: string } } }> {
    const form = new FormData();
    // meta.* before the file: a file whose category is not known yet is held to the tightest
    // category limit (ADR 019); the spec's own curl example (file first) is run below with a small file.
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append('file', new Blob([bytes]), name);
    const response = await fetch(`${gateway.url}/api_v3/files`, { method: 'POST', headers: { 'x-apitoken': who.apiToken }, body: form });
    return { status: response.status, json: (await response.json()) as never };
  }

  async function uploaded(who: TestIdentity, name: string, bytes: Buffer, fields?: Record<string, string>): Promise<WireFile> {
    const { status, json } = await upload(who, name, bytes, fields);
    expect({ status, error: json.error }).toEqual({ status: 200, error: undefined });
    return json.data!;
  }

  async function api(who: TestIdentity | undefined, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${gateway.url}${url}`, {
      method,
      headers: {
        ...(who ? { 'x-apitoken': who.apiToken } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }

  const viewPath = (file: WireFile): string => file.fullpath.slice(gateway.url.length);
  const objectKeys = (prefix: string) => listKeys(s3, env.S3_BUCKET, prefix);

  async function rendersSoFar(): Promise<number> {
    const metrics = await (await fetch(fileApp.metricsUrl!)).text();
    return Number(/^quire_file_variant_renders_total(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? 'NaN');
  }

  describe("the spec's curl examples", () => {
    let file: WireFile;

    it('POST /api_v3/files (multipart: file + meta.category) answers the spec shape', async () => {
      const local = path.join(workDir, 'p878984.jpg');
      await writeFile(local, photo);
      const { code, stdout } = await run(
        `curl -s -X POST \\ ${gateway.url}/api_v3/files \\ -H 'X-ApiToken: ${owner.apiToken}' \\ -H 'cache-control: no-cache' \\ -H 'content-type: multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW' \\ -F file=@${local} \\ -F meta.category=user_document`,
      );
      expect(code).toBe(0);
      file = (JSON.parse(stdout) as { data: WireFile }).data;
      expect(file).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'p878984.jpg',
        size: photo.length,
        ext: 'jpg',
        fullpath: expect.stringMatching(new RegExp(`^${gateway.url}/files/view/${file.id}\\?auth_code=[0-9a-f]{64}&time=\\d+$`)),
        meta: { category: 'user_document', target: { id: owner.principal.userId, type: 'user' }, account: { code: owner.accountCode }, visible: true },
        creator: { id: owner.principal.userId, username: 'owner@clinic.test', email: owner.principal.email, full_name: 'Olive Owner' },
        created: expect.any(Number),
        modified: expect.any(Number),
        is_deletable: true,
      });
      expect(Math.abs(file.created - Date.now() / 1000)).toBeLessThan(60);
      expect(await objectKeys(`files/${owner.principal.accountId}/${file.id}`)).toHaveLength(1);
    });

    it('GET /api_v3/files?target_id=&target_type=user (with X-AccountCode) lists it', async () => {
      const { code, stdout } = await run(
        `curl -s --location --request GET '${gateway.url}/api_v3/files?target_id=${owner.principal.userId}&target_type=user' --header 'X-AccountCode: ${owner.accountCode}' --header 'X-ApiToken: ${owner.apiToken}'`,
      );
      expect(code).toBe(0);
      const { data } = JSON.parse(stdout) as { data: WireFile[] };
      expect(data.map((f) => f.id)).toContain(file.id);
    });

    it('GET /api_v3/files/:id answers the info with a download link', async () => {
      const { stdout } = await run(`curl -s -X GET "${gateway.url}/api_v3/files/${file.id}" -H 'X-ApiToken: ${owner.apiToken}' -k`);
      expect((JSON.parse(stdout) as { data: WireFile }).data).toMatchObject({ id: file.id, name: 'p878984.jpg', ext: 'jpg', is_deletable: true });
    });

    it('GET /files/view/:id?auth_code=&time=&size=320x240 answers a PNG variant, EXIF-rotated, never enlarged', async () => {
      const target = path.join(workDir, 'variant.png');
      const { code, stdout } = await run(`curl -s -X GET "${file.fullpath}&size=320x240" -k -o ${target} -w '%{http_code} %{content_type}'`);
      expect(code).toBe(0);
      expect(stdout).toBe('200 image/png');
      const metadata = await sharp(target).metadata();
      expect([metadata.format, metadata.width, metadata.height]).toEqual(['png', 100, 200]);
    });

    it('POST /api_v3/files/:id renames (the spec sends a form body under an urlencoded label)', async () => {
      const { stdout } = await run(
        `curl -s -X POST \\ ${gateway.url}/api_v3/files/${file.id} \\ -H 'X-ApiToken: ${owner.apiToken}' \\ -H 'Content-Type: application/x-www-form-urlencoded' \\ -F name=test2.jpg`,
      );
      const { data } = JSON.parse(stdout) as { data: WireFile };
      expect(data).toMatchObject({ id: file.id, name: 'test2.jpg', ext: 'jpg', size: photo.length });
      expect(data.modified).toBeGreaterThanOrEqual(data.created);
    });

    it('DELETE /api_v3/files/:id answers {data: true} (without the example\'s `-F "file=@"`, which curl itself refuses)', async () => {
      const refused = await run(`curl -s -X DELETE -H "X-ApiToken: ${owner.apiToken}" -F "file=@" "${gateway.url}/api_v3/files/${file.id}" -k`);
      expect(refused.code).toBe(26);
      const { stdout } = await run(
        `curl -s -X DELETE -H "X-ApiToken: ${owner.apiToken}" -H "Content-Type: multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW" "${gateway.url}/api_v3/files/${file.id}" -k`,
      );
      expect(JSON.parse(stdout)).toEqual({ data: true });
      expect(await objectKeys(`files/${owner.principal.accountId}/${file.id}`)).toEqual([]);
      expect(await objectKeys(`variants/${owner.principal.accountId}/`)).toEqual([]);
      const link = await fetch(file.fullpath);
      expect([link.status, await link.json()]).toEqual([404, { error: { code: 'NOT_FOUND', message: 'File not found' } }]);
    });
  });

  describe('upload errors (nothing is left in S3)', () => {
    // A refused upload leaves no object behind: every object under files/ belongs to a file row.
    afterEach(async () => {
      const pg = new Client({ connectionString: database.url });
      await pg.connect();
      try {
        const { rows } = await pg.query<{ storage_key: string }>('SELECT storage_key FROM file.files');
        const linked = new Set(rows.map((row) => row.storage_key));
        expect((await objectKeys('files/')).filter((key) => !linked.has(key))).toEqual([]);
      } finally {
        await pg.end();
      }
    });

    it('401 without a credential, and when X-AccountCode names another account', async () => {
      const anonymous = await run(`curl -s -X POST ${gateway.url}/api_v3/files -F meta.category=user_document -w ' %{http_code}'`);
      expect(anonymous.stdout).toBe('{"error":{"code":"UNAUTHENTICATED","message":"Authentication required"}} 401');
      const anonymousList = await api(undefined, 'GET', '/api_v3/files');
      expect(anonymousList.status).toBe(401);
      const wrongAccount = await api(owner, 'GET', '/api_v3/files', undefined, { 'x-accountcode': outsider.accountCode });
      expect([wrongAccount.status, wrongAccount.json.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    });

    it('400 when meta.category is missing or unknown, or an unexpected field comes', async () => {
      expect((await upload(owner, 'a.pdf', pdf, {})).json.error?.code).toBe('VALIDATION_FAILED');
      const unknown = await upload(owner, 'a.pdf', pdf, { 'meta.category': 'selfie' });
      expect([unknown.status, unknown.json.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
      const extra = await upload(owner, 'a.pdf', pdf, { 'meta.category': 'user_document', 'meta.owner': 'me' });
      expect([extra.status, extra.json.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('413 over the category limit (user_avatar)', async () => {
      const large = Buffer.concat([photo, Buffer.alloc(AVATAR_MAX_BYTES)]);
      const tooLarge = await upload(owner, 'me.jpg', large, { 'meta.category': 'user_avatar' });
      expect([tooLarge.status, tooLarge.json.error?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    });

    it('accepts text, Word and an admin filing to another user', async () => {
      const text = await uploaded(owner, 'notes.txt', Buffer.from('Blood pressure 120/80 — ok\n'));
      expect(text.ext).toBe('txt');
      const letter = await uploaded(owner, 'letter.docx', docx);
      expect(letter.ext).toBe('docx');
      expect((await uploaded(owner, 'sheet.xlsx', xlsx)).ext).toBe('xlsx');
      const renamedType = await api(owner, 'POST', `/api_v3/files/${letter.id}`, { name: 'letter.xlsx' });
      expect([renamedType.status, renamedType.json.error.code]).toEqual([400, 'INVALID_FILE_TYPE']);
      const filed = await uploaded(admin, 'lab.pdf', pdf, {
        'meta.category': 'user_document',
        'meta.target.id': colleague.principal.userId,
        'meta.target.type': 'user',
      });
      expect(filed.meta.target).toEqual({ id: colleague.principal.userId, type: 'user' });
      const served = await fetch(text.fullpath);
      expect([served.headers.get('content-type'), await served.text()]).toEqual(['text/plain; charset=utf-8', 'Blood pressure 120/80 — ok\n']);
    });
  });

  describe('info, list, rename, delete', () => {
    it('GET: 400 for a malformed id, 404 for an unknown one', async () => {
      expect((await api(owner, 'GET', '/api_v3/files/not-a-uuid')).status).toBe(400);
      const missing = await api(owner, 'GET', '/api_v3/files/00000000-0000-4000-8000-000000000000');
      expect([missing.status, missing.json]).toEqual([404, { error: { code: 'NOT_FOUND', message: 'File not found' } }]);
    });

    it('lists by target and category with page / per_page', async () => {
      const target = { 'meta.category': 'intake_attachment', 'meta.target.id': 'intake-77', 'meta.target.type': 'intake' };
      const ids = [];
      for (const name of ['1.pdf', '2.pdf', '3.pdf']) ids.push((await uploaded(owner, name, pdf, target)).id);
      const page1 = await api(owner, 'GET', '/api_v3/files?target_id=intake-77&target_type=intake&category=intake_attachment&per_page=2');
      expect(page1.json.paging).toEqual({ page: 1, per_page: 2, total: 3 });
      const page2 = await api(owner, 'GET', '/api_v3/files?target_id=intake-77&target_type=intake&page=2&per_page=2');
      expect([...page1.json.data, ...page2.json.data].map((f: WireFile) => f.id).sort()).toEqual(ids.sort());
      expect(page1.json.data[0]).toMatchObject({ is_deletable: false, meta: { category: 'intake_attachment', target: { id: 'intake-77', type: 'intake' } } });
      expect((await api(owner, 'GET', '/api_v3/files?category=user_document&target_id=intake-77&target_type=intake')).json.data).toEqual([]);
      expect((await api(owner, 'GET', '/api_v3/files?per_page=500')).status).toBe(400);
      expect((await api(owner, 'GET', '/api_v3/files?target_id=intake-77')).status).toBe(400);
      expect((await api(owner, 'GET', '/api_v3/files?colour=red')).status).toBe(400);
      // Intake attachments are not deletable, not even by an admin.
      const kept = await api(admin, 'DELETE', `/api_v3/files/${ids[0]}`);
      expect([kept.status, kept.json.error.code]).toEqual([403, 'FORBIDDEN']);
    });

    it('rename accepts only `name`, keeps the type, and only for the owner or an admin', async () => {
      const file = await uploaded(owner, 'scan.pdf', pdf);
      expect((await api(owner, 'POST', `/api_v3/files/${file.id}`, { name: 'scan 2.pdf', size: 1 })).status).toBe(400);
      expect((await api(owner, 'POST', `/api_v3/files/${file.id}`, {})).status).toBe(400);
      expect((await api(owner, 'POST', `/api_v3/files/${file.id}`, { name: 'scan.jpg' })).json.error.code).toBe('INVALID_FILE_TYPE');
      expect((await api(owner, 'POST', `/api_v3/files/${file.id}`, { name: '../etc/scan.pdf' })).status).toBe(400);
      expect((await api(colleague, 'POST', `/api_v3/files/${file.id}`, { name: 'mine.pdf' })).status).toBe(404);
      const renamed = await api(admin, 'POST', `/api_v3/files/${file.id}`, { name: 'Résumé ü.pdf' });
      expect(renamed.json.data.name).toBe('Résumé ü.pdf');
      const form = await fetch(`${gateway.url}/api_v3/files/${file.id}`, {
        method: 'POST',
        headers: { 'x-apitoken': owner.apiToken, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'name=Final.pdf',
      });
      expect(((await form.json()) as { data: WireFile }).data.name).toBe('Final.pdf');
    });

    it('publishes evt.file.created and evt.file.deleted from the outbox, written with their rows', async () => {
      const nats = await connect({ servers: env.NATS_URL });
      const events: Array<{ subject: string; id: string; accountId: string }> = [];
      const codec = JSONCodec<{ id: string; accountId: string }>();
      nats.subscribe(`${env.NATS_SUBJECT_PREFIX}evt.file.>`, {
        callback: (_error, message) => events.push({ subject: message.subject.slice(env.NATS_SUBJECT_PREFIX!.length), ...codec.decode(message.data) }),
      });
      await nats.flush();
      try {
        const file = await uploaded(owner, 'evented.pdf', pdf);
        expect((await api(owner, 'DELETE', `/api_v3/files/${file.id}`)).json).toEqual({ data: true });
        await waitFor(() => events.filter((event) => event.id === file.id).length === 2, { timeoutMs: 10_000, description: 'file events' });
        expect(events.filter((event) => event.id === file.id).map(({ subject }) => subject)).toEqual(['evt.file.created', 'evt.file.deleted']);
        const pg = new Client({ connectionString: database.url });
        await pg.connect();
        try {
          const rows = await pg.query(`SELECT subject, published_at FROM file.outbox WHERE payload->>'id' = $1 ORDER BY id`, [file.id]);
          expect(rows.rows.map((row: { subject: string; published_at: Date | null }) => [row.subject, row.published_at !== null])).toEqual([
            ['evt.file.created', true],
            ['evt.file.deleted', true],
          ]);
        } finally {
          await pg.end();
        }
      } finally {
        await nats.drain();
      }
    });
  });

  describe('signed view links', () => {
    let file: WireFile;

    beforeAll(async () => {
      file = await uploaded(owner, 'Résumé ü.pdf', pdf);
    });

    const sign = (id: string, time: number, size?: string) =>
      createHmac('sha256', LINK_SECRET).update(size ? `${id}\n${time}\n${size}` : `${id}\n${time}`).digest('hex');

    it('streams the bytes with type, length, ETag and an RFC 5987 file name; no credential needed', async () => {
      const response = await fetch(file.fullpath);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer())).toEqual(pdf);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(response.headers.get('content-length')).toBe(String(pdf.length));
      expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
      expect(response.headers.get('content-disposition')).toBe(`inline; filename="R_sum_ _.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%C3%BC.pdf`);
      // Every hit is logged with the file's account (written just after the reply, not before).
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const rows = await waitFor(async () => {
          const result = await client.query('SELECT account_id, variant FROM "file"."file_views" WHERE file_id = $1', [file.id]);
          return result.rows.length > 0 && result.rows;
        });
        expect(rows).toEqual([{ account_id: owner.principal.accountId, variant: null }]);
      } finally {
        await client.end();
      }
    });

    it('answers 403 for a tampered code, id or time, an expired or future link; the formula is HMAC(id, time)', async () => {
      const url = new URL(file.fullpath);
      const code = url.searchParams.get('auth_code')!;
      const time = Number(url.searchParams.get('time'));
      const at = (authCode: string, t: number, extra = '') => `/files/view/${file.id}?auth_code=${authCode}&time=${t}${extra}`;
      const flipped = `${code[0] === 'a' ? 'b' : 'a'}${code.slice(1)}`;
      for (const bad of [at(flipped, time), at(code, time + 1), at('zz', time), at(code, Number.NaN)]) {
        const response = await api(undefined, 'GET', bad);
        expect({ bad, status: response.status }).toEqual({ bad, status: 403 });
      }
      const expired = time - LINK_TTL_SECONDS - 5;
      expect((await api(undefined, 'GET', at(sign(file.id, expired), expired))).json).toEqual({
        error: { code: 'FORBIDDEN', message: 'The link is invalid or has expired' },
      });
      const future = time + 3600;
      expect((await api(undefined, 'GET', at(sign(file.id, future), future))).status).toBe(403);
      expect((await fetch(`${gateway.url}${at(sign(file.id, time - 10), time - 10)}`)).status).toBe(200);
      expect((await api(undefined, 'GET', `/files/view/${file.id}?time=${time}`)).status).toBe(400);
    });

    it('serves byte ranges (206), suffix ranges, 416 past the end, and 304 for a matching If-None-Match', async () => {
      const first = await fetch(file.fullpath, { headers: { range: 'bytes=0-9' } });
      expect([first.status, first.headers.get('content-range'), first.headers.get('content-length')]).toEqual([206, `bytes 0-9/${pdf.length}`, '10']);
      expect(Buffer.from(await first.arrayBuffer())).toEqual(pdf.subarray(0, 10));
      const last = await fetch(file.fullpath, { headers: { range: 'bytes=-6' } });
      expect([last.status, Buffer.from(await last.arrayBuffer()).toString('latin1')]).toEqual([206, '%%EOF\n']);
      const past = await fetch(file.fullpath, { headers: { range: `bytes=${pdf.length}-` } });
      expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${pdf.length}`]);
      const etag = (await fetch(file.fullpath, { method: 'GET' })).headers.get('etag')!;
      const cached = await fetch(file.fullpath, { headers: { 'if-none-match': etag } });
      expect([cached.status, (await cached.arrayBuffer()).byteLength]).toEqual([304, 0]);
    });

    it('streams a larger object (over the 1 MiB buffered size) whole and by range', async () => {
      const large = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(1536 * 1024)]);
      const bigFile = await uploaded(owner, 'large.pdf', large);
      const whole = await fetch(bigFile.fullpath);
      expect([whole.status, whole.headers.get('content-length')]).toEqual([200, String(large.length)]);
      expect(Buffer.from(await whole.arrayBuffer()).equals(large)).toBe(true);
      const part = await fetch(bigFile.fullpath, { headers: { range: 'bytes=1048570-1048589' } });
      expect([part.status, part.headers.get('content-range'), part.headers.get('content-length')]).toEqual([206, `bytes 1048570-1048589/${large.length}`, '20']);
      expect(Buffer.from(await part.arrayBuffer())).toEqual(large.subarray(1048570, 1048590));
      const past = await fetch(bigFile.fullpath, { headers: { range: `bytes=${large.length}-` } });
      expect(past.status).toBe(416);
    });

    it('ignores size for a file that is not an image', async () => {
      const response = await fetch(`${file.fullpath}&size=999x999`);
      expect([response.status, response.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    });
  });

  describe('image variants', () => {
    let big: WireFile;

    beforeAll(async () => {
      big = await uploaded(owner, 'camera.jpg', bigPhoto);
    });

    it('renders a preset size once, then serves it from the S3 cache', async () => {
      const before = await rendersSoFar();
      const cold = await fetch(`${big.fullpath}&size=320x240`);
      expect([cold.status, cold.headers.get('content-type')]).toEqual([200, 'image/png']);
      const png = Buffer.from(await cold.arrayBuffer());
      expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 320, height: 240 });
      expect(cold.headers.get('etag')).toMatch(/^"[0-9a-f]{64}-320x240"$/);
      const warm = await fetch(`${big.fullpath}&size=320x240`);
      expect(Buffer.from(await warm.arrayBuffer())).toEqual(png);
      expect(await rendersSoFar()).toBe(before + 1);
      expect(await objectKeys(`variants/${owner.principal.accountId}/`)).toContainEqual(expect.stringMatching(/\/320x240\.png$/));
    });

    it('concurrent requests for a new size share one render', async () => {
      const before = await rendersSoFar();
      const responses = await Promise.all(Array.from({ length: 6 }, () => fetch(`${big.fullpath}&size=640x480`)));
      const bodies = await Promise.all(responses.map(async (r) => [r.status, (await r.arrayBuffer()).byteLength]));
      expect(new Set(bodies.map(([status]) => status))).toEqual(new Set([200]));
      expect(new Set(bodies.map(([, length]) => length)).size).toBe(1);
      expect(await rendersSoFar()).toBe(before + 1);
    });

    it('serves ranges of a variant and answers 304 for its ETag', async () => {
      const whole = Buffer.from(await (await fetch(`${big.fullpath}&size=160x160`)).arrayBuffer());
      const head = await fetch(`${big.fullpath}&size=160x160`, { headers: { range: 'bytes=0-7' } });
      expect([head.status, head.headers.get('content-range'), head.headers.get('content-type')]).toEqual([206, `bytes 0-7/${whole.length}`, 'image/png']);
      expect(Buffer.from(await head.arrayBuffer())).toEqual(whole.subarray(0, 8));
      const past = await fetch(`${big.fullpath}&size=160x160`, { headers: { range: `bytes=${whole.length}-` } });
      expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${whole.length}`]);
      const etag = head.headers.get('etag')!;
      const cached = await fetch(`${big.fullpath}&size=160x160`, { headers: { 'if-none-match': etag } });
      expect([cached.status, cached.headers.get('etag'), (await cached.arrayBuffer()).byteLength]).toEqual([304, etag, 0]);
    });

    it('a large variant (over the inline limit) is stored before it is answered', async () => {
      // Noise does not compress: its 1280x960 PNG is a few MB, too big to travel inside a NATS reply.
      const noise = await sharp(randomBytes(1600 * 1200 * 3), { raw: { width: 1600, height: 1200, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
      const file = await uploaded(owner, 'noise.jpg', noise);
      const response = await fetch(`${file.fullpath}&size=1280x960`);
      expect(response.status).toBe(200);
      const png = Buffer.from(await response.arrayBuffer());
      expect(png.length).toBeGreaterThan(512 * 1024);
      expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 1280, height: 960 });
      expect((await objectKeys(`variants/${owner.principal.accountId}/`)).filter((k) => k.endsWith('/1280x960.png'))).toHaveLength(1);
    });

    it('a variant removed from S3 behind the services back is rendered again (nothing trusts a hint)', async () => {
      // A second gateway without the memory cache, so that every request reads S3.
      const plain = await startApp('gateway', { ...env, VIEW_CACHE_BYTES: '0' });
      try {
        const url = `${plain.url}${viewPath(big)}&size=64x64`;
        const first = Buffer.from(await (await fetch(url)).arrayBuffer());
        const key = await waitFor(async () => (await objectKeys(`variants/${owner.principal.accountId}/`)).find((k) => k.endsWith('/64x64.png')));
        const before = await rendersSoFar();
        await s3.send(new DeleteObjectCommand({ Bucket: env.S3_BUCKET, Key: key }));
        const again = await fetch(url);
        expect([again.status, Buffer.from(await again.arrayBuffer())]).toEqual([200, first]);
        expect(await rendersSoFar()).toBe(before + 1);
      } finally {
        await plain.stop();
      }
    });

    it('400 for a size outside the presets and for an image with too many pixels', async () => {
      const odd = await fetch(`${big.fullpath}&size=321x240`);
      expect([odd.status, ((await odd.json()) as { error: { code: string } }).error.code]).toEqual([400, 'VALIDATION_FAILED']);
      const bomb = await uploaded(owner, 'bomb.png', pixelBombPng(30_000, 30_000));
      const response = await fetch(`${bomb.fullpath}&size=64x64`);
      expect([response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([400, 'BAD_REQUEST']);
      // Without a size the original bytes are served as they are.
      expect((await fetch(bomb.fullpath)).status).toBe(200);
    });
  });

  describe('sharing', () => {
    it('the owner shares a user_document; the colleague then sees it with include_shared', async () => {
      const file = await uploaded(owner, 'shared.pdf', pdf);
      expect((await api(colleague, 'GET', `/api_v3/files/${file.id}`)).status).toBe(404);
      expect((await api(colleague, 'POST', `/api_v3/files/${file.id}/share`, { user_ids: [colleague.principal.userId] })).status).toBe(404);
      expect((await api(owner, 'POST', `/api_v3/files/${file.id}/share`, { user_ids: [] })).status).toBe(400);
      // A missing field is said to be missing.
      expect((await api(owner, 'POST', `/api_v3/files/${file.id}/share`, {})).json).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'user_ids: user_ids is required' } });
      const shared = await api(owner, 'POST', `/api_v3/files/${file.id}/share`, { user_ids: [colleague.principal.userId] });
      expect(shared.json).toEqual({ data: { id: file.id, shared_with: [colleague.principal.userId] } });

      const withShared = await api(colleague, 'GET', `/api_v3/files?target_id=${colleague.principal.userId}&target_type=user&include_shared`);
      expect(withShared.json.data.map((f: WireFile) => f.id)).toContain(file.id);
      const without = await api(colleague, 'GET', `/api_v3/files?target_id=${colleague.principal.userId}&target_type=user`);
      expect(without.json.data.map((f: WireFile) => f.id)).not.toContain(file.id);
      expect((await api(colleague, 'GET', `/api_v3/files/${file.id}`)).json.data.id).toBe(file.id);
      // Shared is not owned: the colleague cannot delete it.
      expect((await api(colleague, 'DELETE', `/api_v3/files/${file.id}`)).status).toBe(403);

      const intake = await uploaded(owner, 'visit.pdf', pdf, { 'meta.category': 'intake_attachment', 'meta.target.id': 'v-1', 'meta.target.type': 'visit' });
      expect((await api(owner, 'POST', `/api_v3/files/${intake.id}/share`, { user_ids: [colleague.principal.userId] })).status).toBe(400);
    });

    it("shares only with users of the account, and files only to the account's users: identity is asked", async () => {
      const stranger = await signInAs({ gatewayUrl: gateway.url, env }, { account: 'B' });
      const file = await uploaded(owner, 'private.pdf', pdf);
      for (const userIds of [[stranger.principal.userId], ['00000000-0000-4000-8000-000000000000'], [colleague.principal.userId, 'nobody']]) {
        const refused = await api(owner, 'POST', `/api_v3/files/${file.id}/share`, { user_ids: userIds });
        expect(refused.status).toBe(400);
        expect(refused.json).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('No such user') } });
      }
      expect((await api(colleague, 'GET', `/api_v3/files/${file.id}`)).status).toBe(404);

      // An admin may file to another user's profile, but only to a user of this account.
      const foreignTarget = await upload(admin, 'theirs.pdf', pdf, { 'meta.category': 'user_document', 'meta.target.id': stranger.principal.userId, 'meta.target.type': 'user' });
      expect(foreignTarget).toEqual({ status: 400, json: { error: { code: 'VALIDATION_FAILED', message: 'No such user in this account' } } });
      const ownTarget = await uploaded(admin, 'colleague.pdf', pdf, { 'meta.category': 'user_document', 'meta.target.id': colleague.principal.userId, 'meta.target.type': 'user' });
      expect(ownTarget.meta.target).toEqual({ id: colleague.principal.userId, type: 'user' });
    });
  });
});
