import { NatsConnection, Subscription } from 'nats';
import { ClientOptions } from 'ws';
import { QuireJwt } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { E2eStack, RunningApp, signInAs, TestSocket, uniqueId } from '@quire/testing';
import { publish, respond, testNats } from './support/nats-test';

/** Identity and the gateway as processes; clients over real WebSockets; events published on NATS. */
describe('gateway /ws', () => {
  // Real users (signInAs) in two accounts; their login tokens by user id.
  let alice: Principal;
  let bob: Principal;
  const tokens = new Map<string, string>();
  const run = uniqueId();
  const tokenOf = (principal: Principal) => tokens.get(principal.userId)!;

  const e2e = new E2eStack();
  let env: Record<string, string>;
  let gateway: RunningApp;
  let nats: NatsConnection;
  let wsUrl: string;
  const sockets: TestSocket[] = [];
  const subscriptions: Subscription[] = [];

  const connect = async (query = '', headers = {}, options: ClientOptions = {}) => {
    const socket = await TestSocket.connect(`${wsUrl}${query}`, headers, options);
    sockets.push(socket);
    return socket;
  };
  const connectAs = (principal: Principal) => connect(`?token=${tokenOf(principal)}`);
  const event = (room: string, name: string, data: unknown, sequence?: number) =>
    publish(nats, `${env.NATS_SUBJECT_PREFIX}evt.identity.notice`, { room, event: name, data, ...(sequence !== undefined ? { sequence } : {}) });

  beforeAll(async () => {
    env = await e2e.open('gateway_ws', {
      NATS_REQUEST_TIMEOUT_MS: '500',
      WS_MAX_ROOMS_PER_SOCKET: '3',
      WS_MAX_MESSAGE_BYTES: '1024',
      WS_HEARTBEAT_SECONDS: '1',
    });
    nats = await testNats(env.NATS_URL);
    [, gateway] = await e2e.start('identity', 'gateway');
    wsUrl = `${gateway.url.replace('http', 'ws')}/ws`;
    for (const account of ['A', 'B']) {
      const signedIn = await signInAs({ gatewayUrl: gateway.url, env }, { account });
      tokens.set(signedIn.principal.userId, signedIn.token);
      if (account === 'A') alice = signedIn.principal;
      else bob = signedIn.principal;
    }
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const subscription of subscriptions) subscription.unsubscribe();
    await e2e.close();
    await nats?.drain();
  });

  describe('authentication', () => {
    it('closes a socket without a token with 4401', async () => {
      const socket = await connect();
      expect(await socket.closeCode()).toEqual({ code: 4401, reason: 'Unauthorized' });
    });

    it('closes a socket with a forged or foreign token with 4401', async () => {
      const forged = new QuireJwt({ secret: 'another-secret-0123456789abcdef0123' }).signLogin(alice, 's', 600);
      const wrongKind = await connect('?token=not-a-jwt');
      const badSignature = await connect(`?token=${forged}`);
      expect((await wrongKind.closeCode()).code).toBe(4401);
      expect((await badSignature.closeCode()).code).toBe(4401);
    });

    it('closes an open socket with 4401 once its login session ends (checked at each heartbeat)', async () => {
      const carol = await signInAs({ gatewayUrl: gateway.url, env }, { account: 'A' });
      const socket = await connect(`?token=${carol.token}`);
      expect(await socket.join(`system_${carol.principal.accountId}`)).toMatchObject({ event: 'joined' });
      const logout = await fetch(`${gateway.url}/rest/ng/sessions`, { method: 'DELETE', headers: { 'x-os-api-token': carol.token } });
      expect(logout.status).toBe(200);
      expect(await socket.closeCode()).toEqual({ code: 4401, reason: 'Credential expired or revoked' });
    });

    it('accepts the token in an Authorization header as well as in ?token=', async () => {
      const socket = await connect('', { authorization: `Bearer ${tokenOf(alice)}` });
      expect(await socket.join(`system_${alice.accountId}`)).toEqual({ event: 'joined', data: { room: `system_${alice.accountId}` } });
    });
  });

  describe('joining rooms', () => {
    it('lets a user join their own account room and refuses another account room', async () => {
      const socket = await connectAs(alice);
      expect(await socket.join(`system_${alice.accountId}`)).toEqual({ event: 'joined', data: { room: `system_${alice.accountId}` } });
      expect(await socket.join(`system_${bob.accountId}`)).toEqual({
        event: 'error',
        data: expect.objectContaining({ code: 'FORBIDDEN', room: `system_${bob.accountId}` }),
      });
      expect(socket.isOpen).toBe(true);
    });

    it('refuses a room no service owns, and invalid room names', async () => {
      const socket = await connectAs(alice);
      expect((await socket.join('nobody_owns_this')).data).toMatchObject({ code: 'FORBIDDEN' });
      const from = socket.frames.length;
      socket.send('join', { room: 'has spaces!' });
      socket.send('join', 'system_x');
      socket.send('join', { room: `system_${alice.accountId}`, extra: 1 });
      await socket.frame(() => socket.frames.length - from >= 3, 'three answers', from);
      expect(socket.frames.slice(from).map((f) => [f.event, f.data['code']])).toEqual([
        ['error', 'VALIDATION_FAILED'],
        ['error', 'VALIDATION_FAILED'],
        ['error', 'VALIDATION_FAILED'],
      ]);
    });

    describe('with a room owner that the test plays (edit-session)', () => {
      const authorizeSubject = () => `${env.NATS_SUBJECT_PREFIX}svc.edit-session.room.authorize`;

      it('bounds the rooms of one socket', async () => {
        const responder = await respond(nats, authorizeSubject(), () => ({ allowed: true }));
        subscriptions.push(responder);
        const socket = await connectAs(alice);
        for (const room of ['external_edit_1', 'external_edit_2', `system_${alice.accountId}`]) {
          expect(await socket.join(room)).toMatchObject({ event: 'joined' });
        }
        expect((await socket.join('external_edit_3')).data).toMatchObject({ code: 'BAD_REQUEST', details: { limit: 3 } });
        // Rejoining a room it is in is not a new room; leaving makes space again.
        expect(await socket.join('external_edit_1')).toMatchObject({ event: 'joined' });
        socket.send('leave', { room: 'external_edit_1' });
        await socket.frame((f) => f.event === 'left', 'left');
        expect(await socket.join('external_edit_3')).toMatchObject({ event: 'joined' });
        responder.unsubscribe();
      });

      it('answers UPSTREAM_TIMEOUT when the owner does not answer, SERVICE_UNAVAILABLE when nobody listens', async () => {
        const silent = await respond(nats, authorizeSubject(), () => undefined);
        subscriptions.push(silent);
        const socket = await connectAs(alice);
        expect((await socket.join('external_edit_slow')).data).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
        silent.unsubscribe();
        await nats.flush();
        expect((await socket.join('external_edit_gone')).data).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      });
    });
  });

  describe('events', () => {
    it('delivers a room events in order to its members, never to another account', async () => {
      const aliceRoom = `system_${alice.accountId}`;
      const bobRoom = `system_${bob.accountId}`;
      const aliceSocket = await connectAs(alice);
      const bobSocket = await connectAs(bob);
      expect(await aliceSocket.join(aliceRoom)).toMatchObject({ event: 'joined' });
      expect(await bobSocket.join(bobRoom)).toMatchObject({ event: 'joined' });
      expect((await bobSocket.join(aliceRoom)).data).toMatchObject({ code: 'FORBIDDEN' });

      const count = 50;
      for (let sequence = 1; sequence <= count; sequence += 1) event(aliceRoom, 'notice', { n: sequence, secret: 'alice-only' }, sequence);
      event(bobRoom, 'marker', { for: 'bob' });

      const notices = await waitForEvents(aliceSocket, 'notice', count);
      expect(notices.map((f) => f.sequence)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      expect(notices[0]).toEqual({ event: 'notice', room: aliceRoom, data: { n: 1, secret: 'alice-only' }, sequence: 1 });

      // The marker was published after every notice: had a notice reached Bob, it would be before it.
      const marker = await bobSocket.frame((f) => f.event === 'marker', 'the marker for bob');
      expect(marker).toEqual({ event: 'marker', room: bobRoom, data: { for: 'bob' } });
      expect(bobSocket.frames.filter((f) => f.event === 'notice')).toEqual([]);
      expect(aliceSocket.frames.filter((f) => f.event === 'marker')).toEqual([]);
    });

    it('drops malformed events and keeps delivering', async () => {
      const room = `system_${alice.accountId}`;
      const socket = await connectAs(alice);
      expect(await socket.join(room)).toMatchObject({ event: 'joined' });
      nats.publish(`${env.NATS_SUBJECT_PREFIX}evt.identity.notice`, new TextEncoder().encode('not json'));
      publish(nats, `${env.NATS_SUBJECT_PREFIX}evt.identity.notice`, { room, data: {} });
      publish(nats, `${env.NATS_SUBJECT_PREFIX}evt.identity.notice`, { room: 'bad room', event: 'x', data: {} });
      event(room, 'after', { ok: true });
      await socket.frame((f) => f.event === 'after', 'the valid event');
      expect(socket.frames.filter((f) => f.event !== 'joined').map((f) => f.event)).toEqual(['after']);
    });

    it('stops delivering after leave, and a closed member does not hold up the room', async () => {
      const room = `system_${alice.accountId}`;
      const editRoom = `external_edit_${run}`;
      const responder = await respond(nats, `${env.NATS_SUBJECT_PREFIX}svc.edit-session.room.authorize`, () => ({ allowed: true }));
      subscriptions.push(responder);
      const staying = await connectAs(alice);
      const leaving = await connectAs(alice);
      const dropping = await connectAs(alice);
      for (const socket of [staying, leaving, dropping]) expect(await socket.join(room)).toMatchObject({ event: 'joined' });
      expect(await leaving.join(editRoom)).toMatchObject({ event: 'joined' });
      responder.unsubscribe();
      leaving.send('leave', { room });
      await leaving.frame((f) => f.event === 'left', 'left');
      dropping.close();
      await dropping.closeCode();

      event(room, 'after-leave', {});
      // Same NATS subject order: the marker reaches `leaving` after anything sent to `room` before it.
      publish(nats, `${env.NATS_SUBJECT_PREFIX}evt.edit-session.marker`, { room: editRoom, event: 'marker', data: {} });
      await staying.frame((f) => f.event === 'after-leave', 'after-leave for the member that stayed');
      await leaving.frame((f) => f.event === 'marker', 'the marker in the other room');
      expect(staying.frames.map((f) => f.event)).toEqual(['joined', 'after-leave']);
      expect(leaving.frames.map((f) => f.event)).toEqual(['joined', 'joined', 'left', 'marker']);
    });
  });

  it('closes a socket that sends a message over WS_MAX_MESSAGE_BYTES with 1009', async () => {
    const socket = await connectAs(alice);
    socket.send('join', { room: 'x'.repeat(2000) });
    expect((await socket.closeCode()).code).toBe(1009);
  });

  it('drops a socket that stops answering pings, keeps one that answers, and counts open sockets', async () => {
    const token = tokenOf(alice);
    const deaf = await connect(`?token=${token}`, {}, { autoPong: false });
    const healthy = await connectAs(alice);
    expect(await deaf.join(`system_${alice.accountId}`)).toMatchObject({ event: 'joined' });
    const metrics = await (await fetch(gateway.metricsUrl!)).text();
    expect(Number(metrics.match(/^quire_ws_connections(?:\{[^}]*\})? (\d+)$/m)?.[1])).toBeGreaterThanOrEqual(2);
    // Heartbeat every second: the deaf socket misses one ping and is cut (1006: no close frame).
    expect((await deaf.closeCode()).code).toBe(1006);
    expect(healthy.isOpen).toBe(true);
  });

  it('on SIGTERM closes sockets with 1001 (going away) and exits 0', async () => {
    const socket = await connectAs(alice);
    expect(await socket.join(`system_${alice.accountId}`)).toMatchObject({ event: 'joined' });
    expect(await gateway.stop('SIGTERM')).toBe(0);
    expect(await socket.closeCode()).toEqual({ code: 1001, reason: 'Server shutting down' });
  });
});

async function waitForEvents(socket: TestSocket, name: string, count: number) {
  await socket.frame(() => socket.frames.filter((f) => f.event === name).length >= count, `${count} ${name} events`);
  return socket.frames.filter((f) => f.event === name);
}
