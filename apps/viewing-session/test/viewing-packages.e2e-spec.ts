import { buildDocx, E2eStack, RunningApp, signInAs, TestIdentity, waitFor } from '@quire/testing';
import { insertDocrepoDocument } from './support/docrepo-document';
import { gatewayCaller } from './support/gateway-call';

/**
 * Viewing packages through the real gateway, identity and viewing-session processes (Postgres,
 * NATS, S3, LibreOffice, poppler): an upload package creator → its SourceFile → complete → a
 * session from the package renders page 0 → DELETE → 404.
 */
describe('viewing packages (gateway + viewing-session + identity)', () => {
  const e2e = new E2eStack();
  let gateway: RunningApp;
  let admin: TestIdentity;
  let outsider: TestIdentity;
  let secret: string;
  let docrepoId: string;
  const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const call = gatewayCaller(() => gateway.url);

  beforeAll(async () => {
    const env = await e2e.open('viewing-packages', { RATE_LIMIT_PER_MINUTE: '100000', VIEWING_MAX_SOURCE_BYTES: String(256 * 1024) });
    await e2e.start('identity', 'viewing-session', 'document-repository');
    [gateway] = await e2e.start('gateway');
    const stack = { gatewayUrl: gateway.url, env };
    admin = await signInAs(stack, { account: 'A', roles: ['user', 'admin'] });
    outsider = await signInAs(stack, { account: 'B' });
    const created = await call('POST', '/pas/quire/accusoftSecret', { headers: { authorization: `Bearer ${admin.token}` } });
    expect(created.status).toBe(200);
    secret = created.json['secret'] as string;
    // A docrepo document with one version (as viewing-sessions.e2e-spec.ts has).
    docrepoId = await insertDocrepoDocument({ databaseUrl: e2e.databaseUrl, bucket: env.S3_BUCKET }, admin.principal, {
      name: 'package.docx',
      docx: buildDocx('Quire package from a document'),
    });
  }, 180_000);

  afterAll(async () => {
    await e2e.close();
  });

  const withSecret = () => ({ 'accusoft-secret': secret });
  const createCreator = (json: unknown, headers: Record<string, string> = withSecret()) => call('POST', '/pas/v2/viewingPackageCreators', { json, headers });

  it('upload: creator → SourceFile → complete; a session from the package renders page 0; DELETE → 404', async () => {
    const documentId = `pkg_${runId}`;
    const created = await createCreator({ input: { source: { type: 'upload', documentId, displayName: 'report.docx' }, viewingPackageLifetime: 3600 } });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ state: 'queued', percentComplete: 0, input: { source: { type: 'upload', documentId }, viewingPackageLifetime: 3600 } });
    const processId = created.json['processId'] as string;
    expect(processId).toMatch(/^[0-9a-f-]{36}$/);
    // Not viewable before its bytes are there.
    expect((await call('POST', '/pas/ViewingSession', { json: { source: { type: 'viewingPackage', documentId } }, headers: withSecret() })).status).toBe(404);

    const put = await call('PUT', `/pas/v2/viewingPackageCreators/${processId}/SourceFile`, { body: buildDocx('Quire viewing package'), headers: withSecret() });
    expect(put.status).toBe(200);
    const second = await call('PUT', `/pas/v2/viewingPackageCreators/${processId}/SourceFile`, { body: buildDocx('again'), headers: withSecret() });
    expect(second).toMatchObject({ status: 480, json: { errorCode: 'CannotChangeDocument' } });

    const done = await waitFor(
      async () => {
        const answer = await call('GET', `/pas/v2/viewingPackageCreators/${processId}`, { headers: withSecret() });
        expect(answer.status).toBe(200);
        expect(['queued', 'processing', 'complete']).toContain(answer.json['state']);
        return answer.json['state'] === 'complete' ? answer.json : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 300, description: 'package complete' },
    );
    expect(done).toMatchObject({ percentComplete: 100, output: { documentId } });

    expect(await call('GET', `/pas/v2/viewingPackages/${documentId}`, { headers: withSecret() })).toMatchObject({ status: 200, json: { documentId, processId, state: 'complete' } });
    // Another account does not see it.
    expect((await call('GET', `/pas/v2/viewingPackages/${documentId}`, { headers: { authorization: `Bearer ${outsider.token}` } })).status).toBe(404);
    expect((await call('GET', `/pas/v2/viewingPackageCreators/${processId}`, { headers: { authorization: `Bearer ${outsider.token}` } })).status).toBe(404);

    const session = await call('POST', '/pas/ViewingSession', { json: { source: { type: 'viewingPackage', documentId } }, headers: withSecret() });
    expect(session.status).toBe(200);
    const viewingSessionId = session.json['viewingSessionId'] as string;
    const page = await waitFor(
      async () => {
        const response = await fetch(`${gateway.url}/pas/Page/q/0?DocumentID=u${viewingSessionId}&ContentType=png`);
        if (response.status === 480) return undefined;
        expect(response.status).toBe(200);
        return Buffer.from(await response.arrayBuffer());
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'page 0 of the package session' },
    );
    expect(page.subarray(1, 4).toString('latin1')).toBe('PNG');

    expect((await call('DELETE', `/pas/v2/viewingPackages/${documentId}`, { headers: withSecret() })).status).toBe(200);
    expect(await call('GET', `/pas/v2/viewingPackages/${documentId}`, { headers: withSecret() })).toMatchObject({ status: 404, json: { errorCode: 'DocumentNotFound' } });
    expect((await call('DELETE', `/pas/v2/viewingPackages/${documentId}`, { headers: withSecret() })).status).toBe(404);
    expect((await call('POST', '/pas/ViewingSession', { json: { source: { type: 'viewingPackage', documentId } }, headers: withSecret() })).status).toBe(404);
  }, 240_000);

  it('document: a docrepo fileName (Quire token) becomes a complete package; a new creator of the documentId replaces it; another account gets 404', async () => {
    const documentId = `doc_${runId}`;
    const bearer = { authorization: `Bearer ${admin.token}` };
    const body = { input: { source: { type: 'document', fileName: `docrepo:${docrepoId}`, documentId } } };
    expect(await createCreator(body, { authorization: `Bearer ${outsider.token}` })).toMatchObject({ status: 404, json: { errorCode: 'DocumentNotFound' } });
    const created = await createCreator(body, bearer);
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ input: { source: { type: 'document', fileName: `docrepo:${docrepoId}`, documentId }, viewingPackageLifetime: 30 * 24 * 3600 } });
    const processId = created.json['processId'] as string;
    // A PUT SourceFile to a document creator is refused.
    expect(await call('PUT', `/pas/v2/viewingPackageCreators/${processId}/SourceFile`, { body: Buffer.from('x'), headers: bearer })).toMatchObject({ status: 480, json: { errorCode: 'CannotChangeDocument' } });
    await waitFor(
      async () => {
        const answer = await call('GET', `/pas/v2/viewingPackageCreators/${processId}`, { headers: withSecret() });
        return answer.json['state'] === 'complete' ? answer.json : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 300, description: 'document package complete' },
    );
    const session = await call('POST', '/pas/ViewingSession', { json: { source: { type: 'viewingPackage', documentId } }, headers: bearer });
    expect(session.status).toBe(200);
    // Re-created as an upload: the old package is gone until the new one has its bytes.
    const replaced = await createCreator({ input: { source: { type: 'upload', documentId } } });
    expect(replaced).toMatchObject({ status: 200, json: { state: 'queued' } });
    expect(await call('GET', `/pas/v2/viewingPackages/${documentId}`, { headers: withSecret() })).toMatchObject({ status: 200, json: { state: 'queued' } });
    expect((await call('POST', '/pas/ViewingSession', { json: { source: { type: 'viewingPackage', documentId } }, headers: bearer })).status).toBe(404);
    expect((await call('DELETE', `/pas/v2/viewingPackages/${documentId}`, { headers: bearer })).status).toBe(200);
  }, 240_000);

  it('answers every input error with 480 and errorDetails {in, at}', async () => {
    const cases: Array<[unknown, Record<string, unknown>]> = [
      [{}, { errorCode: 'InvalidInput', in: 'body', at: 'input' }],
      [{ input: {} }, { errorCode: 'InvalidInput', at: 'input.source' }],
      [{ input: { source: { type: 'floppy', documentId: 'd1' } } }, { errorCode: 'InvalidInput', at: 'input.source.type' }],
      [{ input: { source: { type: 'document', documentId: 'd1' } } }, { errorCode: 'InvalidInput', at: 'input.source.fileName' }],
      [{ input: { source: { type: 'upload' } } }, { errorCode: 'InvalidInput', at: 'input.source.documentId' }],
      [{ input: { source: { type: 'upload', documentId: 'bad id!' } } }, { errorCode: 'InvalidInput', at: 'input.source.documentId' }],
      [{ input: { source: { type: 'upload', documentId: 'd1', fileName: 'a.doc' } } }, { errorCode: 'InvalidInput', at: 'input.source.fileName' }],
      [{ input: { source: { type: 'document', documentId: 'd1', fileName: 'a.doc', displayName: 'a' } } }, { errorCode: 'InvalidInput', at: 'input.source.displayName' }],
      [{ input: { source: { type: 'upload', documentId: 'd1' }, viewingPackageLifetime: -5 } }, { errorCode: 'InvalidInput', at: 'input.viewingPackageLifetime' }],
      [{ input: { source: { type: 'upload', documentId: 'd1' }, viewingPackageLifetime: 'long' } }, { errorCode: 'InvalidInput', at: 'input.viewingPackageLifetime' }],
      [{ input: { source: { type: 'upload', documentId: 'd1', surprise: 1 } } }, { errorCode: 'InvalidInput', at: 'input.source.surprise' }],
    ];
    for (const [body, expected] of cases) {
      const answer = await createCreator(body);
      expect({ body, status: answer.status }).toEqual({ body, status: 480 });
      expect(answer.json).toMatchObject(expected);
      expect(answer.json['errorDetails']).toMatchObject({ in: expected['in'] ?? 'body', at: expected['at'] });
    }
  });

  it('404s: a document that names nothing, unknown or malformed process and package ids; no credential is 401', async () => {
    expect(await createCreator({ input: { source: { type: 'document', fileName: 'sample.doc', documentId: `nf_${runId}` } } })).toMatchObject({
      status: 404,
      json: { errorCode: 'DocumentNotFound' },
    });
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      expect((await call('GET', `/pas/v2/viewingPackageCreators/${id}`, { headers: withSecret() })).status).toBe(404);
      expect((await call('PUT', `/pas/v2/viewingPackageCreators/${id}/SourceFile`, { body: Buffer.from('x'), headers: withSecret() })).status).toBe(404);
    }
    expect((await call('GET', `/pas/v2/viewingPackages/nothing_${runId}`, { headers: withSecret() })).status).toBe(404);
    expect((await call('DELETE', `/pas/v2/viewingPackages/nothing_${runId}`, { headers: withSecret() })).status).toBe(404);
    expect((await call('GET', '/pas/v2/viewingPackages/bad%20id', { headers: withSecret() })).status).toBe(404);
    expect((await call('POST', '/pas/v2/viewingPackageCreators', { json: { input: { source: { type: 'upload', documentId: 'd1' } } } })).status).toBe(401);
    expect((await call('GET', `/pas/v2/viewingPackages/d1`, { headers: { 'accusoft-secret': 'wrong' } })).status).toBe(403);
  });
});
