import 'reflect-metadata';
import { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { exitOnSignals, loadEnvOrExit, metricsUrl, recordRequests, registerLiveness, requestIdOf, serveMetrics, startDefaultMetrics } from '@quire/platform';
import { frameAncestorsOf, GatewayEnv } from './gateway.env';
import { GatewayModule } from './gateway.module';
import { clientErrorWriter, frameworkErrorWriter, registerEdgeChecks } from './http/edge-checks';
import { gatewaySecurityHeaders } from './http/security-headers';
import { registerMultipart } from './uploads/multipart';

export async function createGateway(env: GatewayEnv): Promise<NestFastifyApplication> {
  const security = gatewaySecurityHeaders(frameAncestorsOf(env.VIEWER_FRAME_ANCESTORS));
  const adapter = new FastifyAdapter({
    bodyLimit: env.BODY_LIMIT_BYTES,
    // Every route, uploads included: a body that stalls or crawls cannot hold a connection (ADR 019).
    requestTimeout: env.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    connectionTimeout: env.HTTP_IDLE_TIMEOUT_SECONDS * 1000,
    keepAliveTimeout: env.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    trustProxy: env.TRUST_PROXY_HOPS > 0 ? env.TRUST_PROXY_HOPS : false,
    // `projects/projectId/` and `projects/projectId` are one route (documents spec writes both).
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: frameworkErrorWriter((url) => security.for(url)),
    clientErrorHandler: clientErrorWriter((url) => security.for(url)),
  });
  const fastify = adapter.getInstance();
  // Hooks in callback style: no promise per request on the hot path.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(security.for(request.url)).header('x-request-id', request.id);
    done();
  });
  registerEdgeChecks(fastify, { maxBytes: env.BODY_LIMIT_BYTES, maxDepth: env.JSON_MAX_DEPTH });
  recordRequests(fastify);
  registerLiveness(fastify);
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(env), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // The JSON parser is the edge's own (registerEdgeChecks); Nest's would replace it, and would
    // add an urlencoded one that lets form bodies into JSON routes.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  await registerMultipart(app);
  const origins = (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  // No configured origin: no CORS hook at all (it would only ever refuse, on every request).
  if (origins.length) {
    app.enableCors({
      origin: origins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      credentials: true,
      exposedHeaders: ['x-request-id', 'Retry-After'],
    });
  }
  app.useWebSocketAdapter(new WsAdapter(app));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Quire gateway')
      .setDescription('Five API families: word-edit, file-upload, documents, viewing, rest-auth')
      .addBearerAuth()
      .addSecurity('bearer', { type: 'http', scheme: 'bearer' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}

async function main(): Promise<void> {
  const env = loadEnvOrExit(GatewayEnv, { HTTP_PORT: 3000 });
  startDefaultMetrics('gateway');
  const app = await createGateway(env);
  // Never on the public API port (ADR 018). Before listen: Fastify takes no hooks after it.
  const metrics = await serveMetrics(env.METRICS_PORT, env.METRICS_HOST);
  if (metrics) app.getHttpAdapter().getInstance().addHook('onClose', (_instance: unknown, done: () => void) => void metrics.close(() => done()));
  await app.listen(env.HTTP_PORT, env.HTTP_HOST);
  exitOnSignals(app, env.SHUTDOWN_TIMEOUT_MS);
  app.get(Logger).log(`gateway ready on ${await app.getUrl()} (API docs at /docs)${metrics ? `, metrics at ${metricsUrl(metrics)}` : ''}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'gateway failed to start', err: String(error) })}\n`);
    process.exit(1);
  });
}
