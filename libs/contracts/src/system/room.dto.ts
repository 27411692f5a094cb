import { IsString, Matches, MaxLength } from 'class-validator';

export class AuthorizeRoomRequest {
  @IsString()
  @MaxLength(200)
  @Matches(/^[a-z][a-z0-9_-]*$/i)
  room: string;
}

export interface AuthorizeRoomReply {
  allowed: boolean;
}

/** The payload of every `evt.*` event that reaches WebSocket clients. */
export interface RoomEvent<T = unknown> {
  room: string;
  event: string;
  data: T;
  /** Services set this so clients can order events of one room. */
  sequence?: number;
}
