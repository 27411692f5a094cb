import { connect, JetStreamManager, NatsConnection } from 'nats';
import { buildDocx, E2eStack, RunningApp, signInAs, startApp, TestIdentity, waitFor } from '@quire/testing';

/**
 * VIEWING_PACKAGE_ON_VERSION_ADDED through the real gateway, identity, document-repository and
 * viewing-session processes (Postgres, NATS JetStream, S3, LibreOffice, poppler): a version added
 * through the documents API makes the viewing package `docrepo.<documentId>`; a version added while
 * viewing-session is down refreshes it once it is back; a process with the flag off deletes the stream.
 */
describe('viewing packages from document-repository version_added (gateway + docrepo + viewing-session + identity)', () => {
  const e2e = new E2eStack();
  let env: Record<string, string>;
  let gateway: RunningApp;
  let viewing: RunningApp;
  let owner: TestIdentity;
  let nats: NatsConnection;
  let jsm: JetStreamManager;
  const docxType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  const streamOf = (name: string) => `${env.NATS_SUBJECT_PREFIX.replace(/[^A-Za-z0-9_-]/g, '_')}${name}`;

  beforeAll(async () => {
    env = await e2e.open('viewing-version-added', { RATE_LIMIT_PER_MINUTE: '100000', VIEWING_PACKAGE_ON_VERSION_ADDED: 'true' });
    [, , viewing] = await e2e.start('identity', 'document-repository', 'viewing-session');
    [gateway] = await e2e.start('gateway');
    owner = await signInAs({ gatewayUrl: gateway.url, env }, { account: 'VA' });
    nats = await connect({ servers: env.NATS_URL });
    jsm = await nats.jetstreamManager();
  }, 180_000);

  afterAll(async () => {
    await e2e.close();
    if (jsm) for (const name of ['VIEWING_CONVERSIONS', 'VIEWING_VERSION_ADDED']) await jsm.streams.delete(streamOf(name)).catch(() => undefined);
    await nats?.drain();
  });

  async function api(method: string, path: string, json?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${owner.token}`, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: json !== undefined ? JSON.stringify(json) : undefined,
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }

  async function upload(path: string, text: string): Promise<{ id: string; version: { number: number } }> {
    const form = new FormData();
    form.append('file', new Blob([buildDocx(text)], { type: docxType }), 'report.docx');
    const response = await fetch(`${gateway.url}/api/v1${path}`, { method: 'POST', headers: { 'x-api-token': owner.apiToken }, body: form });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as { id: string; version: { number: number } };
  }

  /** The package once it is complete with an expiry after `after` (a refresh moves the expiry). */
  function packageComplete(documentId: string, after = '') {
    return waitFor(
      async () => {
        const found = await api('GET', `/pas/v2/viewingPackages/${documentId}`);
        if (found.status === 404) return undefined;
        expect(found.status).toBe(200);
        const expiry = found.json['expirationDateTime'] as string;
        return found.json['state'] === 'complete' && expiry > after ? found.json : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 300, description: `package ${documentId} complete` },
    );
  }

  it('a version added through the documents API makes the package docrepo.<documentId>; a session from it renders page 0', async () => {
    const project = await api('POST', '/api/v1/projects', { name: 'Viewing trigger' });
    expect(project.status).toBe(201);
    const projectId = project.json['id'] as string;
    const doc = await upload(`/projects/${projectId}/documents`, 'First version of the report');
    const documentId = `docrepo.${doc.id}`;

    const replaced = await upload(`/projects/${projectId}/documents/${doc.id}/replace`, 'Second version of the report');
    expect(replaced).toMatchObject({ id: doc.id, version: { number: 2 } });
    const ready = await packageComplete(documentId);
    expect(ready).toMatchObject({ documentId, state: 'complete' });

    const session = await api('POST', '/pas/ViewingSession', { source: { type: 'viewingPackage', documentId } });
    expect(session.status).toBe(200);
    const page = await fetch(`${gateway.url}/pas/Page/q/0?DocumentID=u${session.json['viewingSessionId'] as string}&ContentType=png`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('image/png');
    await page.arrayBuffer();

    // Events wait in the stream while viewing-session is down; the package is refreshed when it is back.
    expect(await viewing.stop()).toBe(0);
    await upload(`/projects/${projectId}/documents/${doc.id}/replace`, 'Third version, added while viewing was down');
    await waitFor(async () => (await jsm.streams.info(streamOf('VIEWING_VERSION_ADDED'))).state.messages === 1, { timeoutMs: 15_000, description: 'the event in the stream' });
    [viewing] = await e2e.start('viewing-session');
    const refreshed = await packageComplete(documentId, ready['expirationDateTime'] as string);
    expect(refreshed).toMatchObject({ documentId, processId: ready['processId'] });
    await waitFor(async () => (await jsm.streams.info(streamOf('VIEWING_VERSION_ADDED'))).state.messages === 0, { timeoutMs: 15_000, description: 'the event acked' });
  }, 300_000);

  it('a viewing-session with the flag off deletes the stream', async () => {
    expect((await jsm.streams.info(streamOf('VIEWING_VERSION_ADDED'))).config.subjects).toEqual([`${env.NATS_SUBJECT_PREFIX}evt.document-repository.version_added`]);
    await viewing.stop();
    const off = await startApp('viewing-session', { ...env, VIEWING_PACKAGE_ON_VERSION_ADDED: 'false' });
    try {
      await expect(jsm.streams.info(streamOf('VIEWING_VERSION_ADDED'))).rejects.toThrow(/stream not found/);
    } finally {
      await off.stop();
    }
  }, 120_000);
});
