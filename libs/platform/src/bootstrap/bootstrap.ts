import { DynamicModule, INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { registerLiveness } from '../health/health.controller';
import { loadEnvOrExit, ServiceEnv } from '../config/env';
import { runMigrations } from '../database/database.module';
import { recordRequests, requestIdOf } from '../logging/logging.module';
import { startDefaultMetrics } from '../metrics/metrics';
import { metricsUrl, serveMetrics } from '../metrics/metrics-server';
import { DrainingNatsServer } from '../nats/draining-nats-server';

/** SIGTERM / SIGINT: Nest's shutdown hooks drain NATS and close pools; then exit 0. */
export function exitOnSignals(app: INestApplication, timeoutMs: number): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const logger = new NestLogger('Shutdown');
    logger.log(`${signal} received, draining`);
    const force = setTimeout(() => {
      logger.error('Shutdown took too long, exiting');
      process.exit(1);
    }, timeoutMs + 5000);
    force.unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error(error);
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

export interface ServiceBootstrapOptions<T extends ServiceEnv> {
  name: string;
  envClass: new () => T;
  defaultPort: number;
  module: (env: T) => DynamicModule;
  /** Runs once the schema is migrated, before NATS handlers start (e.g. seed a bootstrap row). */
  afterMigrations?: (app: NestFastifyApplication) => Promise<void>;
}

/**
 * Starts a service: migrations under an advisory lock, then NATS handlers (queue group = service
 * name) and the HTTP port for health and metrics. Returns once it is ready.
 */
export async function bootstrapService<T extends ServiceEnv>(options: ServiceBootstrapOptions<T>): Promise<NestFastifyApplication> {
  try {
    return await startService(options);
  } catch (error) {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: `${options.name} failed to start`, err: String(error) })}\n`);
    process.exit(1);
  }
}

async function startService<T extends ServiceEnv>(options: ServiceBootstrapOptions<T>): Promise<NestFastifyApplication> {
  const env = loadEnvOrExit(options.envClass, { HTTP_PORT: options.defaultPort } as Partial<Record<keyof T, unknown>>);
  startDefaultMetrics(options.name);
  const adapter = new FastifyAdapter({ genReqId: requestIdOf });
  recordRequests(adapter.getInstance());
  registerLiveness(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(options.module(env), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  await app.init();
  const applied = await runMigrations(app.get(DataSource));
  if (applied.length) app.get(Logger).log(`Applied migrations: ${applied.join(', ')}`);
  await options.afterMigrations?.(app);

  app.connectMicroservice<MicroserviceOptions>({
    strategy: new DrainingNatsServer(
      { servers: env.NATS_URL.split(','), queue: options.name, name: `quire-${options.name}`, maxReconnectAttempts: -1 },
      env.SHUTDOWN_TIMEOUT_MS,
      env.NATS_SUBJECT_PREFIX,
    ),
  },
  // The pipe, filter and interceptor are app-wide providers (ServicePlatformModule); without
  // this the microservice gets a config of its own and its handlers run without them.
  { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  // Hooks can only be added before Fastify listens: the metrics server first, closed with the app.
  const metrics = await serveMetrics(env.METRICS_PORT, env.METRICS_HOST);
  if (metrics) adapter.getInstance().addHook('onClose', (_instance, done) => void metrics.close(() => done()));
  await app.listen(env.HTTP_PORT, env.HTTP_HOST);
  exitOnSignals(app, env.SHUTDOWN_TIMEOUT_MS);
  app.get(Logger).log(`${options.name} ready on ${await app.getUrl()} (NATS queue group "${options.name}")${metrics ? `, metrics at ${metricsUrl(metrics)}` : ''}`);
  return app;
}
