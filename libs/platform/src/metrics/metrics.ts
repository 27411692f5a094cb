import { collectDefaultMetrics, Histogram, register } from 'prom-client';

let started = false;

/** Process metrics (memory, event loop lag, GC) once per process. */
export function startDefaultMetrics(app: string): void {
  if (started) return;
  started = true;
  register.setDefaultLabels({ app });
  collectDefaultMetrics();
}

export const httpDuration = new Histogram({
  name: 'quire_http_request_duration_seconds',
  help: 'HTTP requests by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const rpcDuration = new Histogram({
  name: 'quire_rpc_handler_duration_seconds',
  help: 'NATS message handlers by subject and outcome',
  labelNames: ['subject', 'outcome'] as const,
  buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});
