import { Provider } from '@nestjs/common';
import { RealtimeGateway } from './realtime.gateway';
import { RoomEventFanout } from './room-event-fanout';
import { RoomRegistry } from './room-registry';

/** The `/ws` endpoint and the NATS → room fan-out (they share one registry of rooms). */
export const realtimeProviders: Provider[] = [RoomRegistry, RealtimeGateway, RoomEventFanout];
