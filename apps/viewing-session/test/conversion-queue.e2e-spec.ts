import { connect } from 'nats';
import { buildDocx, E2eStack, RunningApp, signInAs, waitFor } from '@quire/testing';
import { gatewayCaller } from './support/gateway-call';

/**
 * The bounded conversion queue through the real gateway, identity and viewing-session processes
 * (Postgres, NATS JetStream, S3, LibreOffice, poppler): with `VIEWING_MAX_QUEUED=1` a second
 * upload while the first is converting answers 429 + Retry-After, and the refused session can
 * upload again once the queue has room.
 */
describe('viewing conversion queue limit (gateway + viewing-session + identity)', () => {
  const e2e = new E2eStack();
  let env: Record<string, string>;
  let gateway: RunningApp;
  let secret: string;

  beforeAll(async () => {
    env = await e2e.open('viewing-queue', {
      RATE_LIMIT_PER_MINUTE: '100000',
      VIEWING_MAX_QUEUED: '1',
      VIEWING_POOL_SIZE: '1',
      VIEWING_QUEUE_FULL_RETRY_AFTER_SECONDS: '3',
    });
    await e2e.start('identity', 'viewing-session');
    [gateway] = await e2e.start('gateway');
    const admin = await signInAs({ gatewayUrl: gateway.url, env }, { account: 'A', roles: ['user', 'admin'] });
    const created = await call('POST', '/pas/quire/accusoftSecret', { headers: { authorization: `Bearer ${admin.token}` } });
    expect(created.status).toBe(200);
    secret = created.json['secret'] as string;
  }, 180_000);

  afterAll(async () => {
    await e2e.close();
    // The work-queue stream of this run's subject prefix (ConversionQueue.stream).
    const nats = await connect({ servers: env.NATS_URL });
    const jsm = await nats.jetstreamManager();
    await jsm.streams.delete(`${env.NATS_SUBJECT_PREFIX.replace(/[^A-Za-z0-9_-]/g, '_')}VIEWING_CONVERSIONS`).catch(() => undefined);
    await nats.drain();
  });

  const call = gatewayCaller(() => gateway.url);
  const withSecret = () => ({ 'accusoft-secret': secret });

  async function uploadSession(): Promise<string> {
    const created = await call('POST', '/pas/ViewingSession', { json: { source: { type: 'upload', displayName: 'report.docx' } }, headers: withSecret() });
    expect(created.status).toBe(200);
    return created.json['viewingSessionId'] as string;
  }
  const putSource = (id: string, body: Buffer) => call('PUT', `/pas/ViewingSession/u${id}/SourceFile`, { body, headers: withSecret() });

  async function pageZero(id: string): Promise<void> {
    await waitFor(
      async () => {
        const response = await fetch(`${gateway.url}/pas/Page/q/0?DocumentID=u${id}&ContentType=png`);
        await response.arrayBuffer();
        if (response.status === 480) return undefined;
        expect(response.status).toBe(200);
        return true;
      },
      { timeoutMs: 120_000, intervalMs: 300, description: `page 0 of ${id}` },
    );
  }

  it('a second upload while the first converts is 429 TooManyRequests with Retry-After; after the first is done it is taken', async () => {
    const first = await uploadSession();
    const second = await uploadSession();
    expect((await putSource(first, buildDocx('The first document in the queue'))).status).toBe(200);

    // The first job stays in the work queue until its PDF and page 0 are stored: seconds, with the
    // pool's LibreOffice starting cold on its first conversion. One job fills a queue of one.
    const refused = await putSource(second, buildDocx('The second document, refused'));
    expect(refused).toMatchObject({ status: 429, json: { errorCode: 'TooManyRequests' } });
    expect(refused.headers.get('retry-after')).toBe('3');

    await pageZero(first);
    // Nothing of the refused upload was kept: the session takes its SourceFile now.
    expect((await putSource(second, buildDocx('The second document, refused'))).status).toBe(200);
    await pageZero(second);
  }, 300_000);
});
