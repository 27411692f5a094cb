import { connect, JSONCodec, Msg, NatsConnection, Subscription } from 'nats';

const codec = JSONCodec<unknown>();

export function testNats(url: string): Promise<NatsConnection> {
  return connect({ servers: url.split(','), name: 'quire-gateway-test' });
}

interface NestRequestPacket {
  id: string;
  pattern: string;
  data: unknown;
}

/**
 * Answers one subject the way a Nest service does (`{id, response, isDisposed}`), so the gateway
 * can be tested without starting that service. `answer` returning undefined leaves the request
 * unanswered (the gateway then times out).
 */
export async function respond(
  nats: NatsConnection,
  subject: string,
  answer: (data: unknown) => unknown | undefined,
): Promise<Subscription> {
  const subscription = nats.subscribe(subject, {
    callback: (_error, message: Msg) => {
      const request = codec.decode(message.data) as NestRequestPacket;
      const response = answer(request.data);
      if (response !== undefined) message.respond(codec.encode({ id: request.id, response, isDisposed: true }));
    },
  });
  await nats.flush();
  return subscription;
}

export function publish(nats: NatsConnection, subject: string, payload: unknown): void {
  nats.publish(subject, codec.encode(payload));
}
