import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { ServiceEnv } from '../config/env';
import { DatabaseModule, DatabaseOptions } from '../database/database.module';
import { HealthModule } from '../health/health.module';
import { LoggingModule } from '../logging/logging.module';
import { NatsModule } from '../nats/nats.module';
import { StorageModule } from '../storage/storage.module';

export interface ServicePlatformOptions<T extends ServiceEnv> {
  name: string;
  env: T;
  envClass: new () => T;
  database: DatabaseOptions;
  /** Whether the service reads or writes object storage (readiness then checks it). */
  storage: boolean;
}

/** What every service process has: config, logs, NATS, its schema, storage, health and metrics. */
@Module({})
export class ServicePlatformModule {
  static forRoot<T extends ServiceEnv>(options: ServicePlatformOptions<T>): DynamicModule {
    const imports = [
      ConfigModule.forRoot(options.envClass, options.env),
      LoggingModule.forRoot(options.name),
      NatsModule,
      DatabaseModule.forRoot(options.database),
      HealthModule,
      ...(options.storage ? [StorageModule] : []),
    ];
    return { module: ServicePlatformModule, imports, exports: imports, global: true };
  }
}
