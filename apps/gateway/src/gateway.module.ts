import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { ConfigModule, createValidationPipe, HealthModule, LoggingModule, NatsModule, StorageModule } from '@quire/platform';
import { AuthGuard } from './auth/auth.guard';
import { principalResolvers } from './auth/principal.resolver';
import { DocumentsModule } from './families/documents/documents.module';
import { FileUploadModule } from './families/file-upload/file-upload.module';
import { pingControllers } from './families/ping.controllers';
import { RestAuthModule } from './families/rest-auth/rest-auth.module';
import { ViewingModule } from './families/viewing/viewing.module';
import { WordEditModule } from './families/word-edit/word-edit.module';
import { GatewayEnv } from './gateway.env';
import { GatewayExceptionFilter } from './http/gateway-exception.filter';
import { realtimeProviders } from './realtime/realtime.providers';
import { QuireThrottlerGuard } from './throttling/throttle.guard';
import { throttlerStorage } from './throttling/throttler-storage';
import { UploadsModule } from './uploads/uploads.module';
import { ViewerModule } from './viewer/viewer.module';

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
        WordEditModule,
        FileUploadModule,
        DocumentsModule,
        RestAuthModule,
        ViewingModule,
        ViewerModule,
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 60_000, limit: env.RATE_LIMIT_PER_MINUTE }],
          storage: throttlerStorage(env),
        }),
      ],
      controllers: [...pingControllers],
      providers: [
        ...principalResolvers,
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        // Order matters: the throttler counts per principal, which AuthGuard resolves first.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: QuireThrottlerGuard },
        ...realtimeProviders,
      ],
    };
  }
}
