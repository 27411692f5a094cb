import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { buildDocx, buildZipOf, E2eStack, RunningApp, signInAs, TestIdentity, waitFor } from '@quire/testing';
import { insertDocrepoDocument } from './support/docrepo-document';
import { gatewayCaller } from './support/gateway-call';
import { SPEC_TEXT_WATERMARK } from './support/spec-watermark';

/**
 * The viewing family through the real gateway, identity, viewing-session and document-repository
 * processes (Postgres, NATS, S3), with the viewing spec's own request bodies. Renditions are
 * real: a .docx converts (LibreOffice) and renders (poppler) to the page images checked here.
 */
describe('viewing sessions (gateway + viewing-session + docrepo + identity)', () => {
  const e2e = new E2eStack();
  let env: Record<string, string>;
  let gateway: RunningApp;
  let admin: TestIdentity;
  let user: TestIdentity;
  let outsider: TestIdentity;
  let secret: string;
  let documentId: string;
  let site: Server;
  const call = gatewayCaller(() => gateway.url);

  const docx = buildZipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

  beforeAll(async () => {
    env = await e2e.open('viewing', { RATE_LIMIT_PER_MINUTE: '100000', VIEWING_MAX_SOURCE_BYTES: String(64 * 1024), OUTBOUND_URL_ALLOW_HOSTS: '127.0.0.1' });
    site = createServer((_request, response) => void response.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    await e2e.start('identity', 'viewing-session', 'document-repository');
    [gateway] = await e2e.start('gateway');
    const stack = { gatewayUrl: gateway.url, env };
    admin = await signInAs(stack, { account: 'A', roles: ['user', 'admin'] });
    user = await signInAs(stack, { account: 'A' });
    outsider = await signInAs(stack, { account: 'B' });
    // A docrepo document with one version, straight into its tables (docrepo's API is another helper's).
    documentId = await insertDocrepoDocument({ databaseUrl: e2e.databaseUrl, bucket: env.S3_BUCKET }, admin.principal, { name: 'original.docx', docx });
  }, 180_000);

  afterAll(async () => {
    await e2e.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  const withSecret = () => ({ 'accusoft-secret': secret });
  const create = (json: unknown, headers: Record<string, string> = withSecret()) => call('POST', '/pas/ViewingSession', { json, headers });

  it('an admin creates the account secret; a wrong secret is 403 InvalidSecret; a user cannot rotate it', async () => {
    const refused = await call('POST', '/pas/quire/accusoftSecret', { headers: { authorization: `Bearer ${user.token}` } });
    expect(refused.status).toBe(403);
    const created = await call('POST', '/pas/quire/accusoftSecret', { headers: { authorization: `Bearer ${admin.token}` } });
    expect(created.status).toBe(200);
    secret = created.json['secret'] as string;
    const wrong = await create({ source: { type: 'upload', displayName: 'x.doc' } }, { 'accusoft-secret': 'mysecretkey' });
    expect(wrong).toMatchObject({ status: 403, json: { errorCode: 'InvalidSecret' } });
    const none = await call('POST', '/pas/ViewingSession', { json: { source: { type: 'upload' } } });
    expect(none.status).toBe(401);
  });

  it('document: the spec body with a name that names nothing is 404; a docrepo document (and version) works with the secret or a Quire token', async () => {
    expect(await create({ source: { type: 'document', fileName: 'sample.doc' } })).toMatchObject({ status: 404, json: { errorCode: 'DocumentNotFound' } });
    expect(await create({ source: { type: 'document', fileName: `docrepo:${documentId}@2` } })).toMatchObject({ status: 404 });
    const ok = await create({ source: { type: 'document', fileName: `docrepo:${documentId}` } });
    expect(ok.status).toBe(200);
    expect(ok.json['viewingSessionId']).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await create({ source: { type: 'document', fileName: `docrepo:${documentId}@1` } }, { authorization: `Bearer ${user.token}` })).status).toBe(200);
    // Another account's secret-less token does not see account A's document.
    expect(await create({ source: { type: 'document', fileName: `docrepo:${documentId}` } }, { authorization: `Bearer ${outsider.token}` })).toMatchObject({ status: 404 });
  });

  it('answers each 480 of the spec with errorCode and errorDetails {in, at}, before any lookup', async () => {
    const watermarks = [SPEC_TEXT_WATERMARK];
    const cases: Array<[unknown, Record<string, unknown>]> = [
      [{ source: { type: 'document', fileName: 'sample.doc', documentId: 'doc_9495837910qc' }, watermarks }, { errorCode: 'InputNotSupportedWithDocumentId', in: 'body', at: 'watermarks' }],
      [
        { source: { type: 'document', fileName: 'sample.doc', documentId: 'doc_9495837910qc' }, render: { html5: { alwaysUseRaster: true } } },
        { errorCode: 'InputNotSupportedWithDocumentId', at: 'render.html5.alwaysUseRaster' },
      ],
      [{ source: { type: 'viewingPackage', documentId: 1234 } }, { errorCode: 'InvalidInput', in: 'body', at: 'source.documentId' }],
      [{ source: { type: 'comparison', documentId: 'd1', original: { type: 'upload' }, revised: { type: 'upload' } } }, { errorCode: 'InputNotSupportedWithDocumentId', at: 'source.type' }],
      [{ source: { type: 'url', url: 'http://169.254.169.254/', headers: { 'user-agent': 'PrizmShare' }, acceptBadSslCertificate: true } }, { errorCode: 'InvalidInput', in: 'body', at: 'source.url' }],
      [{ source: { type: 'url', url: 'http://[::1]/' } }, { errorCode: 'InvalidInput', at: 'source.url' }],
      [{ source: { type: 'document', fileName: 'a.doc', url: 'http://x/' } }, { errorCode: 'InvalidInput', at: 'source.url' }],
      [{ source: { type: 'document' } }, { errorCode: 'InvalidInput', at: 'source.fileName' }],
      [{ source: { type: 'floppy' } }, { errorCode: 'InvalidInput', at: 'source.type' }],
      [{ source: { type: 'upload', surprise: 1 } }, { errorCode: 'InvalidInput', at: 'source.surprise' }],
      [{ source: { type: 'upload' }, watermarks: [{ ...watermarks[0], opacity: 7 }] }, { errorCode: 'InvalidInput', at: 'watermarks.0.opacity' }],
      [{}, { errorCode: 'InvalidInput', at: 'source' }],
      [
        { source: { type: 'comparison', original: { type: 'document', fileName: 'original.xlsx' }, revised: { type: 'url', url: 'http://mysite.com/documents/revised.docx' } } },
        { errorCode: 'UnsupportedFormatForComparison', at: 'source.original.fileName' },
      ],
    ];
    for (const [body, expected] of cases) {
      const answer = await create(body);
      expect({ body, status: answer.status, json: answer.json }).toMatchObject({ body, status: 480, json: { ...expected, errorDetails: expect.objectContaining({ at: expected['at'] }) } });
    }
    // The spec's comparison shape: the document side is found, the url side is refused by the guard.
    const comparison = await create({
      source: { type: 'comparison', original: { type: 'document', fileName: `docrepo:${documentId}` }, revised: { type: 'url', url: 'http://10.0.0.1/documents/revised.docx' } },
    });
    expect(comparison).toMatchObject({ status: 480, json: { errorCode: 'InvalidInput', at: 'source.revised.url' } });
  });

  it('url: the spec body against an allow-listed local site; the fetched bytes are the SourceFile', async () => {
    const url = `http://127.0.0.1:${(site.address() as AddressInfo).port}/documents/sample.pdf`;
    const created = await create({ source: { type: 'url', url, headers: { 'user-agent': 'PrizmShare' }, acceptBadSslCertificate: true } });
    expect(created.status).toBe(200);
    const source = await fetch(`${gateway.url}/pas/ViewingSession/u${created.json['viewingSessionId'] as string}/SourceFile`);
    expect(source.status).toBe(200);
    expect(Buffer.from(await source.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('upload: PUT SourceFile streams the raw body; a second one is CannotChangeDocument, a comparison slot IncorrectUsage; GET SourceFile gives it back', async () => {
    const created = await create({ source: { type: 'upload', displayName: 'sample_2015-10-31T19:15:32Z.doc', markupId: 'YSB1bmlxdWUgdmFsdWU=' } });
    expect(created.status).toBe(200);
    const id = created.json['viewingSessionId'] as string;
    const put = (path: string, body: Buffer, headers: Record<string, string> = withSecret()) => call('PUT', path, { body, headers: { 'content-type': 'application/pdf', ...headers } });
    expect(await put(`/pas/ViewingSession/u${id}/SourceFile`, pdf, { 'accusoft-secret': 'mysecretkey' })).toMatchObject({ status: 403, json: { errorCode: 'InvalidSecret' } });
    expect(await put(`/pas/ViewingSession/u${id}/SourceFile`, Buffer.alloc(65 * 1024, 1))).toMatchObject({ status: 413 });
    expect((await put(`/pas/ViewingSession/u${id}/SourceFile`, pdf)).status).toBe(200);
    expect(await put(`/pas/ViewingSession/u${id}/SourceFile`, pdf)).toMatchObject({ status: 480, json: { errorCode: 'CannotChangeDocument' } });
    expect(await put(`/pas/v2/viewingSessions/${id}/sourceFile/original`, docx)).toMatchObject({ status: 480, json: { errorCode: 'IncorrectUsage' } });
    const source = await fetch(`${gateway.url}/pas/ViewingSession/u${id}/SourceFile`);
    expect(source.status).toBe(200);
    expect(Buffer.from(await source.arrayBuffer()).equals(pdf)).toBe(true);
    // Another account cannot put into it.
    expect(await put(`/pas/ViewingSession/u${id}/SourceFile`, pdf, { authorization: `Bearer ${outsider.token}` })).toMatchObject({ status: 404 });
  });

  it('comparison by upload: original / revised doc, docx, odt or pdf only, once each; a single SourceFile is IncorrectUsage', async () => {
    const created = await create({ source: { type: 'comparison', original: { type: 'upload' }, revised: { type: 'document', fileName: `docrepo:${documentId}` } } });
    expect(created.status).toBe(200);
    const id = created.json['viewingSessionId'] as string;
    const put = (path: string, body: Buffer) => call('PUT', path, { body, headers: withSecret() });
    expect(await put(`/pas/ViewingSession/u${id}/SourceFile`, docx)).toMatchObject({ status: 480, json: { errorCode: 'IncorrectUsage' } });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect(await put(`/pas/v2/viewingSessions/${id}/sourceFile/original`, png)).toMatchObject({ status: 480, json: { errorCode: 'UnsupportedFormatForComparison' } });
    expect((await put(`/pas/v2/viewingSessions/${id}/sourceFile/original`, docx)).status).toBe(200);
    expect(await put(`/pas/v2/viewingSessions/${id}/sourceFile/original`, docx)).toMatchObject({ status: 480, json: { errorCode: 'CannotChangeDocument' } });
    expect(await put(`/pas/v2/viewingSessions/${id}/sourceFile/revised`, docx)).toMatchObject({ status: 480, json: { errorCode: 'CannotChangeDocument' } });
  });

  it('viewer calls carry only the session id; bad sizes are 480; DELETE revokes at once', async () => {
    const created = await create({ source: { type: 'document', fileName: `docrepo:${documentId}` }, watermarks: [{ type: 'text', text: 'CONFIDENTIAL' }] });
    expect(created).toMatchObject({ status: 200 });
    const id = created.json['viewingSessionId'] as string;
    expect(await call('GET', `/pas/Page/q/0/161x160?DocumentID=u${id}`)).toMatchObject({ status: 480, json: { errorCode: 'InvalidInput', at: 'size' } });
    expect(await call('GET', `/pas/Page/q/0?DocumentID=u${id}&ContentType=gif`)).toMatchObject({ status: 480, json: { at: 'ContentType' } });
    expect(await call('GET', `/pas/Document/q/Attributes?DocumentID=nope`)).toMatchObject({ status: 480, json: { at: 'DocumentID' } });
    expect(await call('GET', `/pas/ViewingSession/u${id}/SourceFile`)).toMatchObject({ status: 480 });
    expect((await call('DELETE', `/pas/ViewingSession/u${id}`, { headers: { authorization: `Bearer ${outsider.token}` } })).status).toBe(404);
    expect((await call('DELETE', `/pas/ViewingSession/u${id}`, { headers: withSecret() })).status).toBe(200);
    expect(await call('GET', `/pas/Document/q/Attributes?DocumentID=u${id}`)).toMatchObject({ status: 404, json: { errorCode: 'DocumentNotFound' } });
  });

  it('a real .docx ends as page images with ink; a watermarked session stamps its page and its thumbnail', async () => {
    const report = buildDocx('Quire viewing end to end');
    async function session(watermarks?: unknown[]): Promise<string> {
      const created = await create({ source: { type: 'upload', displayName: 'report.docx' }, ...(watermarks ? { watermarks } : {}) });
      expect(created.status).toBe(200);
      const id = created.json['viewingSessionId'] as string;
      expect((await call('PUT', `/pas/ViewingSession/u${id}/SourceFile`, { body: report, headers: withSecret() })).status).toBe(200);
      return id;
    }
    /** The decoded RGB pixels of an image route, waited for while the page is still rendering (480 + Retry-After). */
    async function pixels(path: string): Promise<{ data: Buffer; width: number; height: number }> {
      const bytes = await waitFor(
        async () => {
          const response = await fetch(`${gateway.url}${path}`);
          if (response.status === 480) {
            expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
            return undefined;
          }
          expect(response.status).toBe(200);
          expect(response.headers.get('etag')).toBeTruthy();
          return Buffer.from(await response.arrayBuffer());
        },
        { timeoutMs: 90_000, intervalMs: 250, description: path },
      );
      const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    }
    const inked = (image: { data: Buffer }): number => {
      let dark = 0;
      for (let i = 0; i < image.data.length; i += 3) if (image.data[i]! + image.data[i + 1]! + image.data[i + 2]! < 600) dark++;
      return dark;
    };
    const differing = (a: { data: Buffer }, b: { data: Buffer }): number => {
      let count = 0;
      for (let i = 0; i < Math.min(a.data.length, b.data.length); i += 3) if (Math.abs(a.data[i]! - b.data[i]!) + Math.abs(a.data[i + 1]! - b.data[i + 1]!) + Math.abs(a.data[i + 2]! - b.data[i + 2]!) > 60) count++;
      return count;
    };

    const clean = await session();
    const stamped = await session([{ type: 'text', text: 'CONFIDENTIAL\nQuire', color: '#FF0000', opacity: 0.8, fontSize: '48pt' }]);
    const attributes = await waitFor(
      async () => {
        const answer = await call('GET', `/pas/Document/q/Attributes?DocumentID=u${clean}`);
        return answer.status === 200 ? answer.json : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'page count' },
    );
    expect(attributes['pageCount']).toBeGreaterThanOrEqual(1);

    const page = await pixels(`/pas/Page/q/0?DocumentID=u${clean}&ContentType=png`);
    const stampedPage = await pixels(`/pas/Page/q/0?DocumentID=u${stamped}&ContentType=png`);
    expect(inked(page)).toBeGreaterThan(50);
    expect([stampedPage.width, stampedPage.height]).toEqual([page.width, page.height]);
    expect(differing(page, stampedPage)).toBeGreaterThan(500);

    const thumbnail = await pixels(`/pas/Page/q/0/160x160?DocumentID=u${clean}&ContentType=png`);
    const stampedThumbnail = await pixels(`/pas/Page/q/0/160x160?DocumentID=u${stamped}&ContentType=png`);
    expect(Math.max(thumbnail.width, thumbnail.height)).toBeLessThanOrEqual(160);
    expect(differing(thumbnail, stampedThumbnail)).toBeGreaterThan(20);
  }, 180_000);

  it('a rotated secret stops working at once', async () => {
    const rotated = await call('POST', '/pas/quire/accusoftSecret', { headers: { authorization: `Bearer ${admin.token}` } });
    const old = secret;
    secret = rotated.json['secret'] as string;
    expect((await create({ source: { type: 'upload' } }, { 'accusoft-secret': old })).status).toBe(403);
    expect((await create({ source: { type: 'upload' } })).status).toBe(200);
  });
});
