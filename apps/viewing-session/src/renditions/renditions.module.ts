import os from 'node:os';
import path from 'node:path';
import { Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { NatsConnection } from 'nats';
import { NATS_CONNECTION, ObjectStorage } from '@quire/platform';
import { LibreOfficePool } from '../rendering/libreoffice-pool';
import { ViewingSessionEnv } from '../viewing-session.env';
import { ConversionQueue } from './conversion-queue';
import { Renditions, ViewingPackages } from './renditions.api';
import { PackageExpirySweeper } from '../packages/package-expiry.sweeper';
import { ViewingPackagesRepository } from '../packages/viewing-packages.repository';
import { ViewingPackagesService } from '../packages/viewing-packages.service';
import { RenditionsRepository } from './renditions.repository';
import { findSoffice, RenditionsService } from './renditions.service';
import { RenditionsMetrics } from './renditions.metrics';
import { UnusedRenditionsSweeper } from './unused-renditions.sweeper';

export const LIBREOFFICE_POOL = Symbol('LIBREOFFICE_POOL');

/** The pool of this replica, or undefined when no soffice is installed (Office → FeatureDisabled). */
export function createPool(env: ViewingSessionEnv): LibreOfficePool | undefined {
  const sofficePath = findSoffice(env.VIEWING_SOFFICE_PATH, env.VIEWING_BIN_PATH);
  if (!sofficePath) return undefined;
  return new LibreOfficePool({
    sofficePath,
    pythonPath: env.VIEWING_PYTHON_PATH,
    workDir: path.join(env.VIEWING_WORK_DIR, `pool-${process.pid}`),
    size: env.VIEWING_POOL_SIZE || os.cpus().length,
    maxConversionsPerWorker: env.VIEWING_POOL_MAX_CONVERSIONS,
    maxRssBytes: env.VIEWING_POOL_MAX_RSS_MB * 1024 * 1024,
    timeoutMs: env.VIEWING_CONVERSION_TIMEOUT_MS,
    maxQueue: env.VIEWING_MAX_QUEUED,
    env: { PATH: env.VIEWING_BIN_PATH, HOME: env.VIEWING_WORK_DIR },
  });
}

/** Starts the JetStream consumers, stops them and the pool on shutdown. */
@Injectable()
class RenditionsLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Renditions');

  constructor(
    private readonly service: RenditionsService,
    private readonly queue: ConversionQueue,
    private readonly metrics: RenditionsMetrics,
    @Inject(LIBREOFFICE_POOL) private readonly pool: LibreOfficePool | undefined,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.queue.setUp();
    await this.service.startWorkers();
    if (!this.pool) this.logger.warn('soffice not found: Office documents answer FeatureDisabled');
    this.metrics.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.metrics.stop();
    await this.service.stopWorkers();
    await this.pool?.close();
  }
}

@Module({
  providers: [
    { provide: LIBREOFFICE_POOL, useFactory: createPool, inject: [ViewingSessionEnv] },
    {
      provide: ConversionQueue,
      useFactory: (connection: NatsConnection, env: ViewingSessionEnv, pool: LibreOfficePool | undefined) =>
        new ConversionQueue(connection, {
          prefix: env.NATS_SUBJECT_PREFIX,
          largeFromBytes: env.VIEWING_LARGE_SOURCE_BYTES,
          maxQueued: env.VIEWING_MAX_QUEUED,
          queueFullRetryAfterSeconds: env.VIEWING_QUEUE_FULL_RETRY_AFTER_SECONDS,
          ackWaitMs: env.VIEWING_JOB_ACK_WAIT_MS,
          maxDeliveries: env.VIEWING_JOB_MAX_DELIVERIES,
          // Two small jobs per worker: while one stores its PDF and renders page 0, the next is
          // already converting. Large ones use at most half the workers, so small never starve.
          concurrency: { small: 2 * (pool?.size ?? 2), large: Math.max(1, Math.floor((pool?.size ?? 2) / 2)) },
        }),
      inject: [NATS_CONNECTION, ViewingSessionEnv, LIBREOFFICE_POOL],
    },
    RenditionsRepository,
    ViewingPackagesRepository,
    {
      provide: RenditionsService,
      useFactory: (repository: RenditionsRepository, storage: ObjectStorage, queue: ConversionQueue, env: ViewingSessionEnv, pool: LibreOfficePool | undefined) =>
        new RenditionsService(repository, storage, queue, {
          keyPrefix: 'viewing',
          workDir: path.join(env.VIEWING_WORK_DIR, `render-${process.pid}`),
          pool,
          timeoutMs: env.VIEWING_CONVERSION_TIMEOUT_MS,
          backgroundConcurrency: 1,
          retryAfterSeconds: 2,
          binPath: env.VIEWING_BIN_PATH,
        }),
      inject: [RenditionsRepository, ObjectStorage, ConversionQueue, ViewingSessionEnv, LIBREOFFICE_POOL],
    },
    { provide: Renditions, useExisting: RenditionsService },
    {
      provide: ViewingPackagesService,
      useFactory: (packages: ViewingPackagesRepository, renditions: RenditionsService, storage: ObjectStorage) => new ViewingPackagesService(packages, renditions, storage),
      inject: [ViewingPackagesRepository, RenditionsService, ObjectStorage],
    },
    { provide: ViewingPackages, useExisting: ViewingPackagesService },
    { provide: 'LIBREOFFICE_POOL_REF', useExisting: LIBREOFFICE_POOL },
    RenditionsMetrics,
    RenditionsLifecycle,
    UnusedRenditionsSweeper,
    PackageExpirySweeper,
  ],
  exports: [Renditions, RenditionsService, ViewingPackages, ViewingPackagesService],
})
export class RenditionsModule {}

