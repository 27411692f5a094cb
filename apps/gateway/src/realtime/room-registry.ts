import { Injectable } from '@nestjs/common';

/**
 * Which sockets are in which room, kept both ways so that fan-out (room → sockets) and disconnect
 * (socket → rooms) are both cheap. Generic over the socket type so it is tested without sockets.
 */
@Injectable()
export class RoomRegistry<S extends object> {
  private readonly socketsByRoom = new Map<string, Set<S>>();
  private readonly roomsBySocket = new Map<S, Set<string>>();

  add(room: string, socket: S): void {
    let sockets = this.socketsByRoom.get(room);
    if (!sockets) this.socketsByRoom.set(room, (sockets = new Set()));
    sockets.add(socket);
    let rooms = this.roomsBySocket.get(socket);
    if (!rooms) this.roomsBySocket.set(socket, (rooms = new Set()));
    rooms.add(room);
  }

  /** Whether the socket was in the room. */
  remove(room: string, socket: S): boolean {
    const sockets = this.socketsByRoom.get(room);
    const rooms = this.roomsBySocket.get(socket);
    const removed = Boolean(sockets?.delete(socket));
    rooms?.delete(room);
    if (sockets && sockets.size === 0) this.socketsByRoom.delete(room);
    if (rooms && rooms.size === 0) this.roomsBySocket.delete(socket);
    return removed;
  }

  removeSocket(socket: S): void {
    for (const room of [...(this.roomsBySocket.get(socket) ?? [])]) this.remove(room, socket);
  }

  has(room: string, socket: S): boolean {
    return Boolean(this.socketsByRoom.get(room)?.has(socket));
  }

  roomCountOf(socket: S): number {
    return this.roomsBySocket.get(socket)?.size ?? 0;
  }

  /** The sockets in a room now (a copy: sending may close a socket and change the room). */
  socketsIn(room: string): S[] {
    return [...(this.socketsByRoom.get(room) ?? [])];
  }

  get roomCount(): number {
    return this.socketsByRoom.size;
  }
}
