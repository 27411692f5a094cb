import { PutObjectCommand } from '@aws-sdk/client-s3';
import { connect, JSONCodec, NatsConnection } from 'nats';
import sharp from 'sharp';
import { ViewingSubjects } from '@quire/contracts';
import { removeBucket, RunningApp, startApp, testEnv, testS3Client } from '@quire/testing';

const codec = JSONCodec<{ data: Record<string, unknown>; id: string }>();

/**
 * The gateway's half of the page API: it asks the service for an object key and streams that
 * object from S3 with ETag / Cache-Control, answering 304 to a matching If-None-Match. The
 * service side is a NATS responder here (its rules are the medium and viewing-sessions e2e
 * tests; the renderer is viewing-render's), so what is under test — the gateway's routes, their
 * parameters and the streaming — is real.
 */
describe('viewing page API in the gateway (real gateway, S3, NATS)', () => {
  const s3 = testS3Client();
  let env: Record<string, string>;
  let gateway: RunningApp;
  let nats: NatsConnection;
  let png: Buffer;
  const asked: Array<{ subject: string; data: Record<string, unknown> }> = [];
  const sessionId = 'A'.repeat(32);

  beforeAll(async () => {
    env = testEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', RATE_LIMIT_PER_MINUTE: '100000' });
    gateway = await startApp('gateway', env);
    png = await sharp({ create: { width: 40, height: 50, channels: 3, background: '#ff0000' } }).png().toBuffer();
    await s3.send(new PutObjectCommand({ Bucket: env.S3_BUCKET, Key: 'viewing-session/test/page0.png', Body: png, ContentType: 'image/png' }));
    nats = await connect({ servers: env.NATS_URL });
    const answer = (subject: string, reply: (data: Record<string, unknown>) => unknown) =>
      nats.subscribe(`${env.NATS_SUBJECT_PREFIX}${subject}`, {
        callback: (_error, message) => {
          const { data, id } = codec.decode(message.data);
          asked.push({ subject, data });
          const result = reply(data);
          message.respond(JSONCodec().encode(result instanceof Error ? { err: { code: 'NOT_FOUND', message: 'x', details: { errorCode: 'DocumentNotFound' } }, id, isDisposed: true } : { response: result, id, isDisposed: true }));
        },
      });
    answer(ViewingSubjects.pageImage, (data) => (data['viewingSessionId'] === sessionId ? { objectKey: 'viewing-session/test/page0.png', contentType: 'image/png', etag: '"clean-0"' } : new Error()));
    answer(ViewingSubjects.documentAttributes, () => ({ pageCount: 3, pageCountConfidence: 100 }));
    answer(ViewingSubjects.text, (data) => ({ pages: [{ page: data['begin'], width: 816, height: 1056, words: [] }] }));
  }, 120_000);

  afterAll(async () => {
    await nats?.drain();
    await gateway?.stop();
    if (env) await removeBucket(s3, env.S3_BUCKET);
  });

  it('streams a page image with ETag and Cache-Control, and answers 304 to If-None-Match', async () => {
    const response = await fetch(`${gateway.url}/pas/Page/q/0?DocumentID=u${sessionId}&Scale=1.5&ContentType=png`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('etag')).toBe('"clean-0"');
    expect(response.headers.get('cache-control')).toContain('max-age');
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
    expect(asked.at(-1)).toEqual({ subject: ViewingSubjects.pageImage, data: { viewingSessionId: sessionId, page: 0, contentType: 'png', scale: 1.5 } });
    const again = await fetch(`${gateway.url}/pas/Page/q/0?DocumentID=u${sessionId}`, { headers: { 'if-none-match': '"clean-0"' } });
    expect(again.status).toBe(304);
  });

  it('passes thumbnails, text ranges and page count through with their parameters', async () => {
    const thumb = await fetch(`${gateway.url}/pas/Page/q/2/160x160?DocumentID=u${sessionId}&ContentType=jpeg`);
    expect(thumb.status).toBe(200);
    expect(asked.at(-1)!.data).toEqual({ viewingSessionId: sessionId, page: 2, contentType: 'jpeg', thumbnailWidth: 160, thumbnailHeight: 160 });
    expect(await (await fetch(`${gateway.url}/pas/Document/q/Attributes?DocumentID=u${sessionId}&DesiredPageCountConfidence=50`)).json()).toEqual({ pageCount: 3, pageCountConfidence: 100 });
    expect(asked.at(-1)!.data).toEqual({ viewingSessionId: sessionId, desiredConfidence: 50 });
    const text = await fetch(`${gateway.url}/pas/Document/q/1-4/Text?DocumentID=u${sessionId}`);
    expect(text.status).toBe(200);
    expect(asked.at(-1)!.data).toEqual({ viewingSessionId: sessionId, begin: 1, end: 4 });
    // A comparison's other document: side= goes to the service with every page call.
    await (await fetch(`${gateway.url}/pas/Document/q/0-0/Text?DocumentID=u${sessionId}&side=original`)).arrayBuffer();
    expect(asked.at(-1)!.data).toEqual({ viewingSessionId: sessionId, side: 'original', begin: 0, end: 0 });
    await (await fetch(`${gateway.url}/pas/Page/q/1/160x160?DocumentID=u${sessionId}&side=revised`)).arrayBuffer();
    expect(asked.at(-1)!.data).toMatchObject({ side: 'revised', page: 1, thumbnailWidth: 160 });
  });

  it('refuses bad parameters with 480 naming them, and maps a missing session to 404', async () => {
    const cases: Array<[string, string]> = [
      [`/pas/Page/q/x?DocumentID=u${sessionId}`, 'pageNumber'],
      [`/pas/Page/q/0?DocumentID=u${sessionId}&Scale=abc`, 'Scale'],
      [`/pas/Page/q/0/160x160?DocumentID=u${sessionId}&ContentType=svg`, 'ContentType'],
      [`/pas/Page/q/0/big?DocumentID=u${sessionId}`, 'size'],
      [`/pas/Document/q/4-x/Text?DocumentID=u${sessionId}`, 'range'],
      [`/pas/Document/q/Attributes`, 'DocumentID'],
      [`/pas/Page/q/0?DocumentID=u${sessionId}&side=left`, 'side'],
      [`/pas/Document/q/Attributes?DocumentID=u${sessionId}&side=ORIGINAL`, 'side'],
    ];
    for (const [path, at] of cases) {
      const response = await fetch(`${gateway.url}${path}`);
      expect({ path, status: response.status, body: await response.json() }).toMatchObject({ path, status: 480, body: { errorCode: 'InvalidInput', at } });
    }
    const missing = await fetch(`${gateway.url}/pas/Page/q/0?DocumentID=u${'B'.repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errorCode: 'DocumentNotFound' });
  });
});
