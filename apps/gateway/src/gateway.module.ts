import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import Redis from 'ioredis';
import { ConfigModule, createValidationPipe, HealthModule, LoggingModule, NatsModule, StorageModule } from '@quire/platform';
import { AuthGuard } from './auth/auth.guard';
import { PrincipalResolver } from './auth/principal.resolver';
import { pingControllers } from './families/ping.controllers';
import { GatewayEnv } from './gateway.env';
import { GatewayExceptionFilter } from './http/gateway-exception.filter';
import { QuireThrottlerGuard } from './throttling/throttle.guard';
import { UploadsModule } from './uploads/uploads.module';

@Module({})
export class GatewayModule {
  static forRoot(env: GatewayEnv): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot(GatewayEnv, env),
        LoggingModule.forRoot('gateway'),
        NatsModule,
        StorageModule,
        HealthModule,
        UploadsModule,
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 60_000, limit: env.RATE_LIMIT_PER_MINUTE }],
          storage: env.REDIS_URL
            ? new ThrottlerStorageRedisService(new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false }))
            : undefined,
        }),
      ],
      controllers: [...pingControllers],
      providers: [
        PrincipalResolver,
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: QuireThrottlerGuard },
      ],
    };
  }
}
