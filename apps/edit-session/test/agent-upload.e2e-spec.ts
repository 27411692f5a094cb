import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { JSONCodec } from 'nats';
import { AgentUploadFields, EditSessionSubjects, UploadReservation, WordEditFileLimits } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { buildDocx, buildPdf, listKeys, waitFor } from '@quire/testing';
import { agentUpload, AgentFiles, MOUNT, WordEditClient, WordEditStack } from './support/word-edit-stack';

const run = promisify(execFile);

/** The first python3 that has `requests` (a pyenv shim may shadow Debian's python3-requests). */
async function pythonWithRequests(): Promise<string> {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    if (await run(candidate, ['-c', 'import requests']).then(() => true, () => false)) return candidate;
  }
  throw new Error('no python3 with requests: install python3-requests (.ci/run does)');
}
const codec = JSONCodec<unknown>();
const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** `POST /agent/{edit_id}`: the Word agent's save, through the gateway's upload pipeline. */
describe('word-edit agent upload', () => {
  let stack: WordEditStack;
  let work: string;

  beforeAll(async () => {
    stack = await WordEditStack.start('word_edit_agent');
    work = await mkdtemp(path.join(tmpdir(), 'quire-agent-'));
  });

  afterAll(async () => {
    await stack?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function author(): Promise<WordEditClient> {
    return new WordEditClient(stack, await stack.signIn({ account: 'A', displayName: 'Dr. Alice' }));
  }

  async function objectBytes(s3Path: string): Promise<Buffer> {
    const key = s3Path.replace(`s3://${stack.bucket}/`, '');
    const out = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  it('stores the pair as a new version and answers the spec body with s3:// paths', async () => {
    const alice = await author();
    const session = await alice.startSession();
    const word = buildDocx('first save');
    const pdf = buildPdf('first save');
    const answer = await agentUpload(stack, session.editId, session.token, { word, pdf });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      message: 'Files uploaded and linked successfully',
      word_s3_path: expect.stringMatching(new RegExp(`^s3://${stack.bucket}/edit-session/.+\\.docx$`)),
      pdf_s3_path: expect.stringMatching(new RegExp(`^s3://${stack.bucket}/edit-session/.+\\.pdf$`)),
      version_id: expect.any(Number),
      version_number: 1,
      created: true,
    });
    expect((await objectBytes(answer.body['word_s3_path'] as string)).equals(word)).toBe(true);
    expect((await objectBytes(answer.body['pdf_s3_path'] as string)).equals(pdf)).toBe(true);
    const [version] = (await alice.call<Array<Record<string, unknown>>>('GET', `/${session.reportId}/versions`)).body;
    expect(version).toMatchObject({ id: answer.body['version_id'], word_sha256: sha256(word), pdf_sha256: sha256(pdf) });
    expect(await stack.unlinkedKeys()).toEqual([]);
  });

  describe('rejections leave no version and nothing staged', () => {
    const cases: Array<[string, number, () => AgentFiles, Record<string, unknown>]> = [
      ['wrong magic bytes in word_file', 400, () => ({ word: buildPdf(), pdf: buildPdf() }), { code: 400, message: '"word_file" must be a Word document (.docx)' }],
      ['wrong magic bytes in pdf_file', 400, () => ({ word: buildDocx(), pdf: buildDocx() }), { code: 400, message: '"pdf_file" must be a PDF document' }],
      ['a missing pdf_file', 400, () => ({ word: buildDocx() }), { code: 400, message: 'Missing required field(s): pdf_file' }],
      ['a missing word_file', 400, () => ({ pdf: buildPdf() }), { code: 400 }],
      ['a .docx over 50 MB', 413, () => ({ word: buildDocx('big', { paddingBytes: 50 * MiB }), pdf: buildPdf() }), { code: 413 }],
    ];

    it.each(cases)('%s → %d', async (_name, status, files, body) => {
      const alice = await author();
      const session = await alice.startSession();
      const answer = await agentUpload(stack, session.editId, session.token, files());
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject(body);
      expect(await stack.versionCount(session.reportId)).toBe(0);
      expect(await stack.unlinkedKeys()).toEqual([]);
    });

    it('an ended session, another session or user token, a login token → 403; no token → 401; no header → 400', async () => {
      const alice = await author();
      const bob = new WordEditClient(stack, await stack.signIn({ account: 'A' }));
      const mallory = new WordEditClient(stack, await stack.signIn({ account: 'B' }));
      const mine = await alice.startSession();
      const bobs = await bob.startSession();
      const foreign = await mallory.startSession();
      const files = { word: buildDocx(), pdf: buildPdf() };

      expect(await agentUpload(stack, mine.editId, bobs.token, files)).toMatchObject({ status: 403, body: { code: 403 } });
      expect((await agentUpload(stack, mine.editId, foreign.token, files)).status).toBe(403);
      expect((await agentUpload(stack, mine.editId, alice.identity.token, files)).status).toBe(403);
      expect(await agentUpload(stack, mine.editId, mine.token, files, {})).toMatchObject({ status: 400, body: { details: 'missing X-IS-EXTERNAL-EDIT-REQUEST header' } });
      expect((await agentUpload(stack, mine.editId, 'not-a-token', files)).status).toBe(401);
      expect((await alice.call('PUT', `/${mine.editId}`)).status).toBe(200);
      expect(await agentUpload(stack, mine.editId, mine.token, files)).toMatchObject({ status: 403, body: { code: 403 } });

      expect(await stack.versionCount(mine.reportId)).toBe(0);
      expect(await stack.unlinkedKeys()).toEqual([]);
    });
  });

  it('allows 5 uploads per minute per session, then 429 with Retry-After', async () => {
    const alice = await author();
    const [first, second] = [await alice.startSession(), await alice.startSession()];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await agentUpload(stack, first.editId, first.token, { word: buildDocx(`save ${i}`), pdf: buildPdf() })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await agentUpload(stack, first.editId, first.token, { word: buildDocx(), pdf: buildPdf() });
    expect(limited.body).toMatchObject({ code: 429 });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another session of the same user has its own budget.
    expect((await agentUpload(stack, second.editId, second.token, { word: buildDocx(), pdf: buildPdf() })).status).toBe(200);
  });

  it("runs the spec's own Python requests client, and the spec's browser fetch to create a session", async () => {
    const alice = await author();
    const { reportId, templateId, templatePath } = await alice.prepare();
    // The browser example, as written in the spec (Node's fetch, same body and headers).
    const response = await fetch(`${stack.gatewayUrl}${MOUNT}/${reportId}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice.identity.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ template_id: templateId, word_s3_filepath: templatePath }),
    });
    const data = (await response.json()) as Record<string, string>;
    expect(response.status).toBe(200);
    expect(data['edit_id']).toBeTruthy();
    const launch = `winword://${data['auth_token']}^${data['edit_id']}^${data['template_path']}`;
    expect(data['launch_url']).toBe(launch);

    const wordPath = path.join(work, 'report.docx');
    const pdfPath = path.join(work, 'report.pdf');
    await writeFile(wordPath, buildDocx('from python'));
    await writeFile(pdfPath, buildPdf('from python'));
    const script = path.join(__dirname, 'fixtures/spec_uploader.py');
    const python = await pythonWithRequests();
    const { stdout } = await run(python, [script, stack.gatewayUrl, String(data['edit_id']), data['auth_token']!, wordPath, pdfPath]);
    expect(JSON.parse(stdout)).toMatchObject({
      message: 'Files uploaded and linked successfully',
      word_s3_path: expect.stringMatching(/^s3:\/\/.+\.docx$/),
      pdf_s3_path: expect.stringMatching(/^s3:\/\/.+\.pdf$/),
    });
    expect(await stack.versionCount(reportId)).toBe(1);

    // requests' raise_for_status sees the spec's error codes too.
    expect((await alice.call('PUT', `/${data['edit_id']}`)).status).toBe(200);
    const refused = await run(python, [script, stack.gatewayUrl, String(data['edit_id']), data['auth_token']!, wordPath, pdfPath]).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect((refused as { code: number }).code).toBe(3);
    expect(JSON.parse((refused as { stdout: string }).stdout)).toMatchObject({ status: 403, body: { code: 403 } });
  });

  it('answers 503 with nothing staged while the service is down, and the retry succeeds after a restart', async () => {
    const alice = await author();
    const session = await alice.startSession();
    const files = { word: buildDocx('during outage'), pdf: buildPdf('during outage') };
    await stack.apps['edit-session']!.stop('SIGKILL');
    // Until NATS has noticed the dead connection a request could still be routed to it (a 504).
    await waitFor(
      async () => {
        const probe = await stack.rpc.request(EditSessionSubjects.ping, {}, { requestId: 'probe', timeoutMs: 500 }).catch((error: unknown) => error);
        return probe instanceof DomainError && probe.code === ErrorCode.ServiceUnavailable;
      },
      { description: 'edit-session to be gone from NATS' },
    );
    try {
      const down = await agentUpload(stack, session.editId, session.token, files);
      expect(down).toMatchObject({ status: 503, body: { code: 503 } });
      expect(await stack.unlinkedKeys()).toEqual([]);
      expect(await stack.versionCount(session.reportId)).toBe(0);

      // Down between staging and commit: a stand-in answers the preflight (a reservation), so the
      // files are written, then nobody takes the commit (503) and the gateway deletes what it wrote.
      let preflights = 0;
      const reserved = [`edit-session/e2e/reports/0/versions/${randomUUID()}.docx`, `edit-session/e2e/reports/0/versions/${randomUUID()}.pdf`];
      const reservation: UploadReservation = {
        reservationId: randomUUID(),
        parts: [
          { field: AgentUploadFields.word, key: reserved[0]!, maxBytes: WordEditFileLimits.maxDocxBytes },
          { field: AgentUploadFields.pdf, key: reserved[1]!, maxBytes: WordEditFileLimits.maxPdfBytes },
        ],
        expiresAt: Date.now() + 60_000,
      };
      const preflight = stack.nats.subscribe(`${stack.env['NATS_SUBJECT_PREFIX']}${EditSessionSubjects.preflightUpload}`, {
        callback: (_error, message) => {
          preflights += 1;
          const request = codec.decode(message.data) as { id: string };
          message.respond(codec.encode({ id: request.id, response: reservation, isDisposed: true }));
        },
      });
      await stack.nats.flush();
      try {
        const staged = await agentUpload(stack, session.editId, session.token, { word: buildDocx('staged', { paddingBytes: 6 * MiB }), pdf: buildPdf() });
        expect(staged).toMatchObject({ status: 503, body: { code: 503, message: 'The edit-session service is not available' } });
        // The preflight passed, so the 503 is the commit's: the files had been staged.
        expect(preflights).toBe(1);
      } finally {
        preflight.unsubscribe();
      }
      expect(await stack.unlinkedKeys()).toEqual([]);
      expect(await listKeys(stack.s3, stack.bucket, 'edit-session/e2e/')).toEqual([]);
      expect(await stack.versionCount(session.reportId)).toBe(0);
    } finally {
      await stack.restart('edit-session');
    }
    const retry = await agentUpload(stack, session.editId, session.token, files);
    expect(retry).toMatchObject({ status: 200, body: { version_number: 1, created: true } });
    expect(await stack.unlinkedKeys()).toEqual([]);
  });
});
