import { connect, JSONCodec, Msg, NatsConnection } from 'nats';
import { RpcHeaders } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { RpcClient } from '@quire/platform';
import { uniqueId } from '@quire/testing';

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const codec = JSONCodec<{ pattern: string; data: { n: number; delayMs?: number }; id: string }>();
const replyCodec = JSONCodec<unknown>();

async function failureOf(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('the call did not fail');
}

/** RpcClient against the real NATS server: replies, the two transport failures and a closed connection. */
describe('RpcClient', () => {
  const prefix = `t${uniqueId()}.`;
  let service: NatsConnection;
  let gateway: NatsConnection;
  let client: RpcClient;
  const seen: Array<{ requestId: string | undefined; principal: string | undefined }> = [];

  beforeAll(async () => {
    [service, gateway] = await Promise.all([connect({ servers: NATS_URL }), connect({ servers: NATS_URL })]);
    // A responder speaking Nest's packet format; answers out of order when asked to wait.
    service.subscribe(`${prefix}svc.test.echo.get`, {
      queue: 'test',
      callback: (_error, message: Msg) => {
        const packet = codec.decode(message.data);
        seen.push({ requestId: message.headers?.get(RpcHeaders.requestId), principal: message.headers?.get(RpcHeaders.principal) });
        const answer = () =>
          message.respond(
            replyCodec.encode(
              packet.data.n < 0
                ? { id: packet.id, err: { code: ErrorCode.NotFound, message: 'No such thing', details: {} }, isDisposed: true }
                : { id: packet.id, response: { n: packet.data.n, pattern: packet.pattern }, isDisposed: true },
            ),
          );
        if (packet.data.delayMs) setTimeout(answer, packet.data.delayMs);
        else answer();
      },
    });
    service.subscribe(`${prefix}svc.test.silent.get`, { callback: () => undefined });
    await service.flush();
    client = new RpcClient(gateway, 2_000, prefix);
  });

  afterAll(async () => {
    await service?.drain();
    if (!gateway?.isClosed()) await gateway?.drain();
  });

  it('sends the packet, request id and principal, and answers each caller with its own reply', async () => {
    const principal = { userId: 'u1', accountId: 'a1', roles: ['user'], scopes: [] };
    const calls = Array.from({ length: 200 }, (_, n) =>
      client.request<{ n: number; pattern: string }>('svc.test.echo.get', { n, delayMs: n % 3 === 0 ? 20 : 0 }, { requestId: `r-${n}`, principal }),
    );
    const replies = await Promise.all(calls);
    expect(replies.map((reply) => reply.n)).toEqual(Array.from({ length: 200 }, (_, n) => n));
    expect(replies[0]!.pattern).toBe('svc.test.echo.get');
    expect(seen.find((s) => s.requestId === 'r-7')?.principal).toBe(JSON.stringify(principal));
  });

  it("throws the service's domain error as it was sent", async () => {
    const error = await failureOf(client.request('svc.test.echo.get', { n: -1 }, { requestId: 'r-err' }));
    expect(error.code).toBe(ErrorCode.NotFound);
    expect(error.message).toBe('No such thing');
  });

  it('tells no responders (503) from a timeout (504)', async () => {
    const started = Date.now();
    const unavailable = await failureOf(client.request('svc.nobody.thing.get', {}, { requestId: 'r-none' }));
    expect(unavailable.code).toBe(ErrorCode.ServiceUnavailable);
    expect(unavailable.message).toBe('The nobody service is not available');
    expect(Date.now() - started).toBeLessThan(1_000);
    const timedOut = await failureOf(client.request('svc.test.silent.get', {}, { requestId: 'r-silent', timeoutMs: 150 }));
    expect(timedOut.code).toBe(ErrorCode.UpstreamTimeout);
    expect(timedOut.details).toMatchObject({ service: 'test', timeoutMs: 150 });
  });

  it('fails a call still waiting when its connection closes, without waiting for the timeout', async () => {
    const own = await connect({ servers: NATS_URL });
    const closing = new RpcClient(own, 30_000, prefix);
    await closing.request('svc.test.echo.get', { n: 1 }, { requestId: 'r-warm' });
    const started = Date.now();
    const waiting = failureOf(closing.request('svc.test.silent.get', {}, { requestId: 'r-closing' }));
    await own.close();
    const error = await waiting;
    expect(error.code).toBe(ErrorCode.ServiceUnavailable);
    expect(error.message).toBe('Message bus unavailable');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
