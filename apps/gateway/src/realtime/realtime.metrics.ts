import { Gauge } from 'prom-client';

/** Authenticated sockets open on this replica (capacity and scaling signal). */
export const wsConnections = new Gauge({
  name: 'quire_ws_connections',
  help: 'Authenticated WebSocket connections open on this gateway',
});
