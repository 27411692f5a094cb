import { collectDefaultMetrics, register } from 'prom-client';
import { LatencyHistogram } from './latency-histogram';

let started = false;

/** Process metrics (memory, event loop lag, GC) once per process. */
export function startDefaultMetrics(app: string): void {
  if (started) return;
  started = true;
  register.setDefaultLabels({ app });
  collectDefaultMetrics();
}

/** Observed with `[method, route, status]`. */
export const httpDuration = new LatencyHistogram(
  'quire_http_request_duration_seconds',
  'HTTP requests by method, route and status',
  ['method', 'route', 'status'],
  [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);

/** Observed with `[subject, outcome]`. */
export const rpcDuration = new LatencyHistogram(
  'quire_rpc_handler_duration_seconds',
  'NATS message handlers by subject and outcome',
  ['subject', 'outcome'],
  [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
);

export { LatencyHistogram } from './latency-histogram';
