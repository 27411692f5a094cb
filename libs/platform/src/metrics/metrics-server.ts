import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { register } from 'prom-client';

/**
 * `/metrics` on a port of its own (METRICS_PORT on METRICS_HOST), never on the API port: the
 * gateway's API port is public, and a scrape endpoint tells anyone the routes, the load and the
 * process's memory (ADR 018). A bare node:http server: no guard, pipe, hook or log line; anything
 * but `GET|HEAD /metrics` is a 404. Port 0 means no metrics server at all.
 */
export async function serveMetrics(port: number, host: string): Promise<Server | undefined> {
  if (port === 0) return undefined;
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    register.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': register.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Scrapes must not keep a stopping process alive.
  server.unref();
  return server;
}

/** Where a metrics server listens, as a URL (for start-up logs). */
export function metricsUrl(server: Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}/metrics`;
}
