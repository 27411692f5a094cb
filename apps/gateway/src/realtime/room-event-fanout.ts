import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Msg, NatsConnection, Subscription } from 'nats';
import { WebSocket } from 'ws';
import { EventSubjects } from '@quire/contracts';
import { NATS_CONNECTION } from '@quire/platform';
import { GatewayEnv } from '../gateway.env';
import { RoomRegistry } from './room-registry';
import { parseRoomEvent, roomEventMessage } from './socket-messages';

/** Close code for a client that does not read its messages fast enough (RFC 6455 "try again later"). */
export const SLOW_CONSUMER_CLOSE_CODE = 1013;

/**
 * Every `evt.>` event that names a room goes to the sockets in that room. One plain subscription
 * (no queue group): each gateway replica serves its own sockets. The callback runs once per message
 * in arrival order and sends synchronously, so each socket sees a room's events in the order NATS
 * delivered them.
 */
@Injectable()
export class RoomEventFanout implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RoomEventFanout.name);
  private subscription: Subscription | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    private readonly env: GatewayEnv,
    private readonly registry: RoomRegistry<WebSocket>,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.connection.subscribe(`${this.env.NATS_SUBJECT_PREFIX}${EventSubjects.all}`, {
      callback: (error, message) => (error ? this.logger.error({ err: error }, 'Event subscription failed') : this.deliver(message)),
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private deliver(message: Msg): void {
    const event = parseRoomEvent(message.data);
    // Events without a room are for other services, not for sockets.
    if (!event) return;
    const sockets = this.registry.socketsIn(event.room);
    if (!sockets.length) return;
    const frame = JSON.stringify(roomEventMessage(event));
    for (const socket of sockets) this.send(socket, frame);
  }

  private send(socket: WebSocket, frame: string): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.env.WS_MAX_BUFFERED_BYTES) {
      this.registry.removeSocket(socket);
      socket.close(SLOW_CONSUMER_CLOSE_CODE, 'Too many unread messages');
      return;
    }
    socket.send(frame);
  }
}
