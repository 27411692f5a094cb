import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Logger, OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { WebSocket, WebSocketServer } from 'ws';
import { isEditSessionPrincipal } from '@quire/auth';
import { AuthorizeRoomReply, Principal, roomOwner, systemSubjects } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { RpcClient } from '@quire/platform';
import { Credential } from '../auth/credentials';
import { PrincipalResolver } from '../auth/principal.resolver';
import { GatewayEnv } from '../gateway.env';
import { wsConnections } from './realtime.metrics';
import { RoomRegistry } from './room-registry';
import { socketCredential } from './socket-credential';
import { errorMessage, parseRoomRequest, SocketMessage } from './socket-messages';

export const WsCloseCodes = {
  /** No credential, or one that does not verify (4000–4999 are the application's; 4401 reads as 401). */
  unauthorized: 4401,
  /** The credential expired or was revoked while the socket was open (4401 too: log in again). */
  credentialEnded: 4401,
  /** The gateway is shutting down: reconnect (to another replica). */
  goingAway: 1001,
} as const;

/** How long shutdown waits for clients to answer the close handshake before cutting them off. */
const CLOSE_HANDSHAKE_WAIT_MS = 2000;

interface SocketSession {
  /** Settles once the credential is checked: the principal, or undefined (the socket is closing). */
  ready: Promise<Principal | undefined>;
  closed: boolean;
  /** Joins waiting for the owning service's answer; they count against the room limit. */
  pendingJoins: number;
  /** Answered the last heartbeat ping. */
  alive: boolean;
  /** Counted in the connections gauge. */
  counted: boolean;
  /** The credential the socket connected with: checked again at every heartbeat. */
  credential?: Credential;
}

/**
 * `/ws`: authenticated sockets that join rooms and receive the events published to them. Whether a
 * principal may join a room is the owning service's decision (`svc.<owner>.room.authorize`).
 * Handlers never throw: every failure is answered as an `error` frame on the socket.
 */
@WebSocketGateway({ path: '/ws' })
export class RealtimeGateway
  implements OnGatewayInit<WebSocketServer>, OnGatewayConnection<WebSocket>, OnGatewayDisconnect<WebSocket>, OnModuleDestroy
{
  private readonly logger = new Logger(RealtimeGateway.name);
  private readonly sessions = new Map<WebSocket, SocketSession>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly env: GatewayEnv,
    private readonly resolver: PrincipalResolver,
    private readonly rpc: RpcClient,
    private readonly registry: RoomRegistry<WebSocket>,
  ) {}

  afterInit(server: WebSocketServer): void {
    // The decorator is evaluated before settings exist; ws reads its options at every upgrade.
    server.options.maxPayload = this.env.WS_MAX_MESSAGE_BYTES;
    this.heartbeat = setInterval(() => this.checkHeartbeat(), this.env.WS_HEARTBEAT_SECONDS * 1000);
    this.heartbeat.unref();
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const session: SocketSession = { ready: Promise.resolve(undefined), closed: false, pendingJoins: 0, alive: true, counted: false };
    this.sessions.set(socket, session);
    socket.on('pong', () => (session.alive = true));
    session.ready = this.authenticate(socket, request, session);
  }

  handleDisconnect(socket: WebSocket): void {
    const session = this.sessions.get(socket);
    if (session) session.closed = true;
    if (session?.counted) wsConnections.dec();
    this.sessions.delete(socket);
    this.registry.removeSocket(socket);
  }

  @SubscribeMessage('join')
  async join(@ConnectedSocket() socket: WebSocket, @MessageBody() body: unknown): Promise<SocketMessage | undefined> {
    const session = this.sessions.get(socket);
    const principal = await session?.ready;
    if (!session || !principal || session.closed) return undefined;
    let room: string | undefined;
    try {
      room = parseRoomRequest(body).room;
      if (this.registry.has(room, socket)) return { event: 'joined', data: { room } };
      const limit = this.env.WS_MAX_ROOMS_PER_SOCKET;
      if (this.registry.roomCountOf(socket) + session.pendingJoins >= limit) {
        throw new DomainError(ErrorCode.BadRequest, `At most ${limit} rooms per connection`, { limit });
      }
      session.pendingJoins += 1;
      try {
        await this.authorize(room, principal);
      } finally {
        session.pendingJoins -= 1;
      }
      // The socket may have gone while the owner was deciding.
      if (session.closed) return undefined;
      this.registry.add(room, socket);
      return { event: 'joined', data: { room } };
    } catch (error) {
      if (!(error instanceof DomainError)) this.logger.error({ err: error, room }, 'Join failed');
      return errorMessage(error, room);
    }
  }

  @SubscribeMessage('leave')
  async leave(@ConnectedSocket() socket: WebSocket, @MessageBody() body: unknown): Promise<SocketMessage | undefined> {
    const session = this.sessions.get(socket);
    if (!session || !(await session.ready) || session.closed) return undefined;
    let room: string | undefined;
    try {
      room = parseRoomRequest(body).room;
      this.registry.remove(room, socket);
      return { event: 'left', data: { room } };
    } catch (error) {
      return errorMessage(error, room);
    }
  }

  /** Closes every socket with "going away" so clients reconnect elsewhere, then lets Nest close the server. */
  async onModuleDestroy(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    const sockets = [...this.sessions.keys()];
    await Promise.all(sockets.map((socket) => closeAndWait(socket, WsCloseCodes.goingAway, 'Server shutting down')));
  }

  private async authenticate(socket: WebSocket, request: IncomingMessage, session: SocketSession): Promise<Principal | undefined> {
    const credential = socketCredential(request);
    let principal: Principal | undefined;
    try {
      principal = credential ? await this.resolver.resolve(credential) : undefined;
    } catch {
      principal = undefined;
    }
    // The Word agent's edit-session token is an upload credential, not a login: no sockets.
    if (!principal || isEditSessionPrincipal(principal)) {
      session.closed = true;
      socket.close(WsCloseCodes.unauthorized, 'Unauthorized');
      return undefined;
    }
    // The socket may have closed while the credential was being checked.
    if (session.closed) return undefined;
    session.credential = credential;
    session.counted = true;
    wsConnections.inc();
    return principal;
  }

  /** The owning service decides; no owner, or a refusal, is FORBIDDEN. */
  private async authorize(room: string, principal: Principal): Promise<void> {
    const owner = roomOwner(room);
    if (!owner) throw DomainError.forbidden('No service owns this room', { room });
    const reply = await this.rpc.request<AuthorizeRoomReply>(
      systemSubjects(owner).authorizeRoom,
      { room },
      { requestId: randomUUID(), principal },
    );
    if (reply?.allowed !== true) throw DomainError.forbidden('Not allowed to join this room', { room });
  }

  private checkHeartbeat(): void {
    for (const [socket, session] of this.sessions) {
      if (!session.alive) {
        socket.terminate();
        continue;
      }
      session.alive = false;
      socket.ping();
      void this.revalidate(socket, session);
    }
  }

  /**
   * A socket lives longer than its token: at every heartbeat the credential is resolved again (the
   * resolvers cache, so this is cheap), and an expired or revoked one closes the socket with 4401.
   * A service that cannot answer right now is not a reason to drop the socket.
   */
  private async revalidate(socket: WebSocket, session: SocketSession): Promise<void> {
    const credential = session.credential;
    if (!credential || session.closed) return;
    try {
      await this.resolver.resolve(credential);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== ErrorCode.Unauthenticated || session.closed) return;
      session.closed = true;
      this.registry.removeSocket(socket);
      socket.close(WsCloseCodes.credentialEnded, 'Credential expired or revoked');
    }
  }
}

function closeAndWait(socket: WebSocket, code: number, reason: string): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, CLOSE_HANDSHAKE_WAIT_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(code, reason);
  });
}
