import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ConfigModule } from '../config/config.module';
import { ServiceEnv } from '../config/env';
import { DatabaseModule, DatabaseOptions } from '../database/database.module';
import { HealthModule } from '../health/health.module';
import { LoggingModule } from '../logging/logging.module';
import { RpcLoggingInterceptor } from '../logging/rpc-logging.interceptor';
import { NatsModule } from '../nats/nats.module';
import { RpcDomainExceptionFilter } from '../nats/rpc-exception.filter';
import { createValidationPipe } from '../nats/rpc-validation.pipe';
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
    return {
      module: ServicePlatformModule,
      imports,
      exports: imports,
      global: true,
      // Registered through DI so they apply to the NATS handlers of the hybrid app: the
      // microservice's own useGlobal* calls were not applied to its handlers.
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: RpcDomainExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: RpcLoggingInterceptor },
      ],
    };
  }
}
