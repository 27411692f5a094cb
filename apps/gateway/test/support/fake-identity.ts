import { JSONCodec, Msg, NatsConnection, Subscription } from 'nats';
import { QuireJwt } from '@quire/auth';
import { Principal, ResolveSessionRequest, Subjects } from '@quire/contracts';
import { TEST_JWT_SECRET } from '@quire/testing';

const codec = JSONCodec<unknown>();

/**
 * Plays the identity service's session check for gateway tests that run no services: it vouches
 * for the principals it minted login tokens for and refuses the rest, as identity would.
 */
export class FakeIdentity {
  private readonly principals = new Map<string, Principal>();
  private subscription: Subscription | undefined;
  private readonly jwt = new QuireJwt({ secret: TEST_JWT_SECRET });

  static async start(nats: NatsConnection, subjectPrefix: string): Promise<FakeIdentity> {
    const identity = new FakeIdentity();
    identity.subscription = nats.subscribe(`${subjectPrefix}${Subjects.Identity.resolveSession}`, {
      callback: (_error, message: Msg) => identity.answer(message),
    });
    await nats.flush();
    return identity;
  }

  /** A login token for the principal, which this identity then resolves. */
  token(principal: Principal): string {
    this.principals.set(principal.userId, principal);
    return this.jwt.signLogin(principal, `session-${principal.userId}`, 600);
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  private answer(message: Msg): void {
    const packet = codec.decode(message.data) as { id: string; data: ResolveSessionRequest };
    const principal = this.principals.get(packet.data.userId);
    const reply = principal
      ? { id: packet.id, response: principal, isDisposed: true }
      : { id: packet.id, err: { code: 'UNAUTHENTICATED', message: 'Invalid or expired token' }, isDisposed: true };
    message.respond(codec.encode(reply));
  }
}
