import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AuthorizeRoomRequest, RoomEvent } from '@quire/contracts';
import { DomainError, toDomainError } from '@quire/errors';
import { validationError } from '@quire/platform';

/** What the gateway sends on a socket: the WsAdapter's `{event, data}` frame. */
export interface SocketMessage {
  event: string;
  data: unknown;
}

/** The room of a `join` / `leave` message, validated like every other request. */
export function parseRoomRequest(body: unknown): AuthorizeRoomRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw DomainError.validation('Expected {room}', { fields: { room: ['room must be a string'] } });
  }
  const request = plainToInstance(AuthorizeRoomRequest, body);
  const errors = validateSync(request, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw validationError(errors);
  return request;
}

/** An error frame; `room` lets the client tell which of its joins failed. */
export function errorMessage(error: unknown, room?: string): SocketMessage {
  const domain = toDomainError(error);
  const details = Object.keys(domain.details).length ? { details: domain.details } : {};
  return { event: 'error', data: { code: domain.code, message: domain.message, ...details, ...(room ? { room } : {}) } };
}

const EVENT_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;
const ROOM_NAME = /^[a-z][a-z0-9_-]{0,199}$/i;

/** A `RoomEvent` from NATS, or undefined when the payload is not one (it is then dropped). */
export function parseRoomEvent(payload: Uint8Array): RoomEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { room, event, data, sequence } = value as Partial<RoomEvent>;
  if (typeof room !== 'string' || !ROOM_NAME.test(room)) return undefined;
  if (typeof event !== 'string' || !EVENT_NAME.test(event)) return undefined;
  if (sequence !== undefined && (typeof sequence !== 'number' || !Number.isFinite(sequence))) return undefined;
  return { room, event, data, ...(sequence !== undefined ? { sequence } : {}) };
}

/** The frame a room event becomes: `{event, data, room}` and the service's sequence when it set one. */
export function roomEventMessage(event: RoomEvent): SocketMessage & { room: string; sequence?: number } {
  const data = typeof event.data === 'object' && event.data !== null && !Array.isArray(event.data) ? { ...event.data } : event.data;
  return { event: event.event, data, room: event.room, ...(event.sequence !== undefined ? { sequence: event.sequence } : {}) };
}
