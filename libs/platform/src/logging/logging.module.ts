import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { FastifyInstance } from 'fastify';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { RpcHeaders } from '@quire/contracts';
import { CommonEnv } from '../config/env';
import { httpDuration } from '../metrics/metrics';

/** Headers and fields that carry secrets: never written to a log. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-apitoken"]',
  'req.headers["x-api-token"]',
  'req.headers["x-os-api-token"]',
  'req.headers["accusoft-secret"]',
  'req.query.auth_code',
  '*.password',
  '*.token',
  '*.auth_token',
  '*.secret',
];

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's request id when it is a sane one, else a new uuid. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[RpcHeaders.requestId];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

const PROBE_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/** Health probes and metrics scrapes: not callers, so neither logged nor rate-limited. */
export function isProbePath(url: string): boolean {
  return PROBE_PATHS.test(url);
}
const SECRET_QUERY = /([?&](auth_code|token)=)[^&]*/g;

/**
 * One hook per finished HTTP request (one, not two: each hook is paid on every request): the
 * `quire_http_request_duration_seconds` histogram, then one JSON line, written from the hook
 * (not pino-http as Nest middleware: that ran middie and built a child logger for every request,
 * a tenth of the gateway's CPU). Health and metrics probes are measured but not logged; 5xx are
 * errors, everything else info.
 */
export function recordRequests(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    httpDuration.observe([request.method, request.routeOptions.url ?? 'unmatched', String(status)], reply.elapsedTime / 1000);
    const logger = PinoLogger.root;
    const level = status >= 500 ? 'error' : 'info';
    if (!logger?.isLevelEnabled(level) || isProbePath(request.url)) return done();
    logger[level](
      {
        requestId: request.id,
        // Flat fields: pino-http's req / res serializers on the root logger expect Node objects.
        method: request.method,
        url: request.url.replace(SECRET_QUERY, '$1[redacted]'),
        statusCode: status,
        responseTime: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
    done();
  });
}

/**
 * JSON logs (pino) through Nest's Logger, with secrets redacted. HTTP requests are logged by
 * `recordRequests`; NATS messages by RpcLoggingInterceptor (with the gateway's request id).
 */
@Module({})
export class LoggingModule {
  static forRoot(app: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [CommonEnv],
          useFactory: (env: CommonEnv) => ({
            // No per-request middleware (see recordRequests); nestjs-pino still builds the root logger.
            forRoutes: [],
            pinoHttp: {
              name: app,
              level: env.LOG_LEVEL,
              redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            },
          }),
        }),
      ],
    };
  }
}
