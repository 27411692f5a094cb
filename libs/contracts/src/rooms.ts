import { ServiceName } from './services';

/** Which service decides who may join a room, by the room name's prefix. */
export const RoomOwners: ReadonlyArray<{ prefix: string; service: ServiceName }> = [
  { prefix: 'external_edit_', service: 'edit-session' },
  { prefix: 'system_', service: 'identity' },
];

export function roomOwner(room: string): ServiceName | undefined {
  return RoomOwners.find((owner) => room.startsWith(owner.prefix))?.service;
}
