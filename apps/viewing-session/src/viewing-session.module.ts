import { DynamicModule, Module } from '@nestjs/common';
import { ServiceSchemas } from '@quire/contracts';
import { ServicePlatformModule, SystemModule } from '@quire/platform';
import { ViewingSessionEnv } from './viewing-session.env';
import { migrations } from './migrations';
import { RenditionsModule } from './renditions/renditions.module';

@Module({})
export class ViewingSessionModule {
  static forRoot(env: ViewingSessionEnv): DynamicModule {
    return {
      module: ViewingSessionModule,
      imports: [
        ServicePlatformModule.forRoot({
          name: 'viewing-session',
          env,
          envClass: ViewingSessionEnv,
          database: { schema: ServiceSchemas['viewing-session'], entities: [], migrations },
          storage: true,
        }),
        SystemModule.forService('viewing-session'),
        RenditionsModule,
      ],
    };
  }
}
