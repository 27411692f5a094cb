import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { buildDocx, E2eStack, RunningApp, signInAs, TestIdentity, testS3Client, waitFor } from '@quire/testing';
import { gatewayCaller, GatewayAnswer } from './support/gateway-call';
import { buildTextPdf, overlaps, pdfWords, PdfWord } from './support/text-pdf';

interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Revision {
  type: string;
  originalText: string;
  revisedText: string;
  original: { pageIndex: number; rectangles: Rectangle[] } | null;
  revised: { pageIndex: number; rectangles: Rectangle[] } | null;
}

/**
 * Comparison through the real gateway, identity, document-repository and viewing-session
 * processes (Postgres, NATS, S3, LibreOffice, poppler). Where a change really is on the page is
 * read from the rendered PDFs with poppler's own `pdftotext -bbox`, not from the service's parser.
 */
describe('document comparison (gateway + viewing-session + docrepo + identity)', () => {
  const e2e = new E2eStack();
  let env: Record<string, string>;
  let gateway: RunningApp;
  let user: TestIdentity;
  let pg: Client;
  const call = gatewayCaller(() => gateway.url);
  const docxType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

  beforeAll(async () => {
    env = await e2e.open('viewing-compare', { RATE_LIMIT_PER_MINUTE: '100000' });
    await e2e.start('identity', 'viewing-session', 'document-repository');
    [gateway] = await e2e.start('gateway');
    user = await signInAs({ gatewayUrl: gateway.url, env }, { account: 'CMP' });
    pg = new Client({ connectionString: e2e.databaseUrl });
    await pg.connect();
  }, 180_000);

  afterAll(async () => {
    await pg?.end();
    await e2e.close();
  });

  const auth = () => ({ authorization: `Bearer ${user.token}` });

  /** A comparison session whose two documents are uploaded (PUT …/sourceFile/original|revised). */
  async function compare(original: Buffer, revised: Buffer): Promise<string> {
    const created = await call('POST', '/pas/ViewingSession', { json: { source: { type: 'comparison', original: { type: 'upload' }, revised: { type: 'upload' } } }, headers: auth() });
    expect(created.status).toBe(200);
    const id = created.json['viewingSessionId'] as string;
    for (const [slot, bytes] of [['original', original], ['revised', revised]] as const) {
      expect((await call('PUT', `/pas/v2/viewingSessions/${id}/sourceFile/${slot}`, { body: bytes, headers: auth() })).status).toBe(200);
    }
    return id;
  }

  const revisionData = (id: string, query = '') => call('GET', `/pas/v2/viewingSessions/${id}/revisionData${query}`);

  /** The first answer that is not 480 NotReady (which must carry Retry-After). */
  function firstAnswer(id: string, query = ''): Promise<GatewayAnswer> {
    return waitFor(
      async () => {
        const answer = await revisionData(id, query);
        if (answer.status === 480 && answer.json['errorCode'] === 'NotReady') {
          expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
          return undefined;
        }
        return answer;
      },
      { timeoutMs: 120_000, intervalMs: 50, description: `revisionData of ${id}` },
    );
  }

  /** Every revision, page by page with continueToken (waiting out NotReady), and how many pages it took. */
  async function allRevisions(id: string, limit: number): Promise<{ revisions: Revision[]; pages: number }> {
    const revisions: Revision[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const answer = await firstAnswer(id, `?limit=${limit}${token ? `&continueToken=${token}` : ''}`);
      expect(answer.status).toBe(200);
      const page = answer.json['revisions'] as Revision[];
      expect(page.length).toBeLessThanOrEqual(limit);
      revisions.push(...page);
      token = answer.json['continueToken'] as string | undefined;
      pages++;
    } while (token && pages < 1000);
    return { revisions, pages };
  }

  async function renderedPdf(id: string, slot: 'original' | 'revised'): Promise<Buffer> {
    const { rows } = await pg.query(
      `SELECT r.pdf_key FROM viewing.viewing_session_sources s JOIN viewing.renditions r ON r.id::text = s.rendition_id WHERE s.session_id = $1 AND s.slot = $2`,
      [id, slot],
    );
    const object = await testS3Client().send(new GetObjectCommand({ Bucket: env.S3_BUCKET, Key: rows[0].pdf_key as string }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  const wordNamed = (words: PdfWord[], text: string): PdfWord => {
    const found = words.filter((word) => word.text === text);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  function expectAt(location: Revision['original'], word: PdfWord): void {
    expect(location?.pageIndex).toBe(word.page);
    expect(location!.rectangles.some((rectangle) => overlaps(rectangle, word))).toBe(true);
  }

  const paragraphs = Array.from({ length: 90 }, (_, n) => `Line ${n} of the specimen handling report for the quarterly audit.`);

  it('docx: an inserted, a deleted and a replaced sentence, each on its page with a rectangle over the real words; side=original serves the original', async () => {
    const original = [...paragraphs];
    original[10] = 'Obsolete remark about Kilimanjaro storage rooms.';
    original[80] = 'The serum sample was stored at four degrees overnight.';
    const revised = [...original];
    revised.splice(80, 1, 'The serum sample was stored at minus eighty degrees overnight.');
    revised.splice(60, 0, 'Zanzibar quokka marmalade protocol was added.');
    revised.splice(10, 1);
    const id = await compare(buildDocx(original.join('\n')), buildDocx(revised.join('\n')));

    const { revisions } = await allRevisions(id, 100);
    expect(revisions.map((r) => [r.type, r.originalText, r.revisedText])).toEqual([
      ['deletion', 'Obsolete remark about Kilimanjaro storage rooms.', ''],
      ['insertion', '', 'Zanzibar quokka marmalade protocol was added.'],
      ['replacement', 'four', 'minus eighty'],
    ]);
    const [deletion, insertion, replacement] = revisions as [Revision, Revision, Revision];
    const originalWords = await pdfWords(await renderedPdf(id, 'original'));
    const revisedWords = await pdfWords(await renderedPdf(id, 'revised'));
    expect(Math.max(...originalWords.map((word) => word.page))).toBeGreaterThanOrEqual(1);
    expectAt(deletion.original, wordNamed(originalWords, 'Kilimanjaro'));
    expectAt(insertion.revised, wordNamed(revisedWords, 'quokka'));
    expectAt(replacement.original, wordNamed(originalWords, 'four'));
    expectAt(replacement.revised, wordNamed(revisedWords, 'eighty'));
    // The side without the text: a zero-width caret on the page where it would be.
    expect(deletion.revised).toMatchObject({ rectangles: [{ width: 0 }] });
    expect(insertion.original).toMatchObject({ pageIndex: expect.any(Number), rectangles: [{ width: 0 }] });

    // Both sides are addressable: the rectangles' units are the page attributes' units.
    const page = wordNamed(originalWords, 'Kilimanjaro').page;
    const text = await call('GET', `/pas/Document/q/${page}-${page}/Text?DocumentID=u${id}&side=original`);
    expect(JSON.stringify(text.json)).toContain('Kilimanjaro');
    const revisedText = await call('GET', `/pas/Document/q/${page}-${page}/Text?DocumentID=u${id}`);
    expect(JSON.stringify(revisedText.json)).not.toContain('Kilimanjaro');
    const attributes = await call('GET', `/pas/Page/q/${page}/Attributes?DocumentID=u${id}&side=original`);
    expect(attributes.json).toEqual({ imageWidth: 816, imageHeight: 1056 });
    expect((await call('GET', `/pas/Document/q/Attributes?DocumentID=u${id}&side=original`)).json).toMatchObject({ pageCount: expect.any(Number) });
    const image = await fetch(`${gateway.url}/pas/Page/q/${page}?DocumentID=u${id}&side=original`);
    expect(image.status).toBe(200);
    const thumbnail = await fetch(`${gateway.url}/pas/Page/q/0/160x160?DocumentID=u${id}&side=original`);
    expect(thumbnail.status).toBe(200);
    await Promise.all([image.arrayBuffer(), thumbnail.arrayBuffer()]);
    expect(await call('GET', `/pas/Page/q/0/Attributes?DocumentID=u${id}&side=left`)).toMatchObject({ status: 480, json: { errorCode: 'InvalidInput', at: 'side' } });
  }, 240_000);

  it('identical documents: no revisions and no continueToken', async () => {
    const docx = buildDocx(paragraphs.slice(0, 20).join('\n'));
    const id = await compare(docx, buildDocx(paragraphs.slice(0, 20).join('\n')));
    const answer = await firstAnswer(id);
    expect(answer).toMatchObject({ status: 200, json: { revisions: [] } });
    expect(answer.json).not.toHaveProperty('continueToken');
  }, 120_000);

  it('a 100-page pair answers its first changes while the rest is computed; paging reads one change per page', async () => {
    const pages = Array.from({ length: 100 }, (_, p) => Array.from({ length: 12 }, (_, l) => `Page ${p} line ${l} holds the plain text of the long report.`));
    const revised = pages.map((lines, p) => lines.map((line, l) => (l === 7 ? line.replace('plain', `edited${p}`) : line)));
    const id = await compare(buildTextPdf(pages), buildTextPdf(revised));
    const first = await firstAnswer(id, '?limit=5');
    const { rows } = await pg.query(`SELECT state, next_original_page FROM viewing.comparisons WHERE session_id = $1`, [id]);
    expect(first.status).toBe(200);
    expect(first.json['continueToken']).toEqual(expect.any(String));
    // The answer came while the comparison was still reading pages.
    expect(rows[0]).toMatchObject({ state: 'running' });
    expect(rows[0].next_original_page).toBeLessThan(100);

    const { revisions, pages: calls } = await allRevisions(id, 10);
    expect(calls).toBeGreaterThanOrEqual(10);
    expect(revisions).toHaveLength(100);
    revisions.forEach((revision, p) => {
      expect(revision).toMatchObject({ type: 'replacement', originalText: 'plain', revisedText: `edited${p}`, original: { pageIndex: p }, revised: { pageIndex: p } });
    });
    // Line 7 of a page at 16 pt leading from 1 in: the box is where pdftotext puts the word.
    const revisedWords = await pdfWords(buildTextPdf(revised.slice(0, 1)));
    expectAt(revisions[0]!.revised, wordNamed(revisedWords, 'edited0'));
  }, 240_000);

  it('two versions of one repository document compare with one POST (fileName docrepo:<id>@1 and @2)', async () => {
    const project = await call('POST', '/api/v1/projects', { json: { name: 'Compare versions' }, headers: auth() });
    expect(project.status).toBe(201);
    const upload = async (path: string, text: string) => {
      const form = new FormData();
      form.append('file', new Blob([buildDocx(text)], { type: docxType }), 'report.docx');
      const response = await fetch(`${gateway.url}/api/v1${path}`, { method: 'POST', headers: { 'x-api-token': user.apiToken }, body: form });
      expect(response.status).toBeLessThan(300);
      return (await response.json()) as { id: string };
    };
    const projectId = project.json['id'] as string;
    const document = await upload(`/projects/${projectId}/documents`, 'The report says the result is negative.');
    await upload(`/projects/${projectId}/documents/${document.id}/replace`, 'The report says the result is positive.');
    const created = await call('POST', '/pas/ViewingSession', {
      json: { source: { type: 'comparison', original: { type: 'document', fileName: `docrepo:${document.id}@1` }, revised: { type: 'document', fileName: `docrepo:${document.id}@2` } } },
      headers: auth(),
    });
    expect(created.status).toBe(200);
    const { revisions } = await allRevisions(created.json['viewingSessionId'] as string, 10);
    expect(revisions.map((r) => [r.type, r.originalText, r.revisedText, r.original?.pageIndex, r.revised?.pageIndex])).toEqual([['replacement', 'negative.', 'positive.', 0, 0]]);
  }, 180_000);

  it('errors: unsupported format 480, a single-document session 480, an unknown session 404, a bad token or limit 480', async () => {
    const xlsx = await call('POST', '/pas/ViewingSession', {
      json: { source: { type: 'comparison', original: { type: 'document', fileName: 'budget.xlsx' }, revised: { type: 'upload' } } },
      headers: auth(),
    });
    expect(xlsx).toMatchObject({ status: 480, json: { errorCode: 'UnsupportedFormatForComparison', at: 'source.original.fileName' } });
    const created = await call('POST', '/pas/ViewingSession', { json: { source: { type: 'comparison', original: { type: 'upload' }, revised: { type: 'upload' } } }, headers: auth() });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect(await call('PUT', `/pas/v2/viewingSessions/${created.json['viewingSessionId'] as string}/sourceFile/original`, { body: png, headers: auth() })).toMatchObject({
      status: 480,
      json: { errorCode: 'UnsupportedFormatForComparison' },
    });

    const single = await call('POST', '/pas/ViewingSession', { json: { source: { type: 'upload', displayName: 'a.pdf' } }, headers: auth() });
    const singleId = single.json['viewingSessionId'] as string;
    expect(await revisionData(singleId)).toMatchObject({ status: 480, json: { errorCode: 'IncorrectUsage' } });
    expect(await call('GET', `/pas/Page/q/0/Attributes?DocumentID=u${singleId}&side=original`)).toMatchObject({ status: 480, json: { errorCode: 'InvalidInput', at: 'side' } });
    expect(await revisionData('Z'.repeat(32))).toMatchObject({ status: 404, json: { errorCode: 'DocumentNotFound' } });

    const id = await compare(buildTextPdf([['one two three four']]), buildTextPdf([['one two five four']]));
    const done = await firstAnswer(id, '?limit=1');
    expect(done.status).toBe(200);
    expect(await revisionData(id, '?continueToken=not-a-token')).toMatchObject({ status: 480, json: { errorCode: 'InvalidInput', at: 'continueToken' } });
    for (const limit of ['0', 'x', '1000000']) {
      expect(await revisionData(id, `?limit=${limit}`)).toMatchObject({ status: 480, json: { errorCode: 'InvalidInput', at: 'limit' } });
    }
    await call('DELETE', `/pas/ViewingSession/u${id}`, { headers: auth() });
    expect(await revisionData(id)).toMatchObject({ status: 404, json: { errorCode: 'DocumentNotFound' } });
  }, 180_000);
});
