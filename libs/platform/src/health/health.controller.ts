import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyInstance } from 'fastify';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { NatsConnection } from 'nats';
import { DataSource } from 'typeorm';
import { Public } from '../http/public.decorator';
import { NATS_CONNECTION } from '../nats/nats.tokens';
import { ObjectStorage } from '../storage/object-storage';

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} check timed out`)), CHECK_TIMEOUT_MS).unref()),
  ]);
}

/**
 * Liveness: the process answers. A plain Fastify route, not a Nest controller: probes need no
 * guard, pipe or interceptor, and they should cost next to nothing (benchmark (a)). The app's
 * Fastify hooks (security headers, request id, metrics) still run.
 */
export function registerLiveness(fastify: FastifyInstance): void {
  fastify.get('/health/live', { logLevel: 'silent' }, async () => ({ status: 'ok' }));
}

/** `/health/ready` (its dependencies answer); `/health/live` is registerLiveness. */
@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() private readonly storage?: ObjectStorage,
  ) {}

  @Get('ready')
  @HealthCheck()
  ready() {
    const checks = [() => this.check('nats', () => this.nats.flush())];
    const dataSource = this.dataSource;
    if (dataSource) checks.push(() => this.check('database', () => dataSource.query('SELECT 1')));
    const storage = this.storage;
    if (storage) checks.push(() => this.check('storage', () => storage.ping()));
    return this.health.check(checks);
  }

  private async check(key: string, probe: () => Promise<unknown>): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(probe(), key);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : 'unavailable' });
    }
  }
}
