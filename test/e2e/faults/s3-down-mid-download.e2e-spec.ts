import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { E2eStack, PrivateS3, RunningApp, signInAs, TestIdentity, testS3Client } from '@quire/testing';
import { uploadPausingMidway } from './fault-uploads';

const MiB = 1024 * 1024;
const SIZE = 24 * MiB;

/**
 * Issue 16, fault 4: S3 stopped while the gateway streams a download. On a private S3 server (the
 * shared one serves every other test). The client must see the download fail — a reset
 * connection or a body shorter than its Content-Length — never a 200 whose body ends cleanly
 * and looks complete.
 */
describe('S3 stopped mid-download (gateway + file + identity on a private S3 server)', () => {
  const stack = new E2eStack();
  const s3 = new PrivateS3();
  let gateway: RunningApp;
  let owner: TestIdentity;
  let viewUrl: string;

  beforeAll(async () => {
    await s3.start();
    const env = await stack.open('fault_s3', { S3_ENDPOINT: s3.endpoint, RATE_LIMIT_PER_MINUTE: '100000' });
    const client = testS3Client(s3.endpoint);
    await client.send(new CreateBucketCommand({ Bucket: env.S3_BUCKET }));
    client.destroy();
    await stack.start('identity', 'file');
    [gateway] = (await stack.start('gateway')) as [RunningApp];
    owner = await signInAs({ gatewayUrl: gateway.url, env }, { account: 'A' });
    const created = await uploadPausingMidway(gateway.url, owner.apiToken, { sizeBytes: SIZE, pauseAfterBytes: SIZE });
    expect(created.status).toBe(200);
    viewUrl = ((await created.json()) as { data: { fullpath: string } }).data.fullpath;
  }, 120_000);

  afterAll(async () => {
    await stack.close();
    await s3.stop();
  });

  it('a download whose source stops half-way fails for the client instead of ending as a complete 200', async () => {
    const whole = await fetch(viewUrl);
    expect(whole.status).toBe(200);
    expect((await whole.arrayBuffer()).byteLength).toBe(SIZE);

    const response = await fetch(viewUrl);
    expect(response.status).toBe(200);
    const declared = Number(response.headers.get('content-length'));
    expect(declared).toBe(SIZE);
    const reader = response.body!.getReader();
    let received = 0;
    let outcome: 'ended' | 'failed' = 'ended';
    let stopped = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        // Some bytes are through: S3 goes away with the rest still to send.
        if (!stopped && received >= 2 * MiB) {
          stopped = true;
          await s3.stop('SIGKILL');
        }
      }
    } catch {
      outcome = 'failed';
    }
    process.stdout.write(`S3 stopped mid-download: ${received} of ${declared} bytes, then the body ${outcome}\n`);
    expect(stopped).toBe(true);
    // Cut short (S3 held the rest), and the client was told: the body failed, it did not just end.
    expect(received).toBeLessThan(declared);
    expect(outcome).toBe('failed');
  }, 60_000);
});
