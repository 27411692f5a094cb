import { DynamicModule, Module } from '@nestjs/common';
import { ServiceSchemas } from '@quire/contracts';
import { ServicePlatformModule, SystemModule } from '@quire/platform';
import { IdentityEnv } from './identity.env';
import { migrations } from './migrations';
import { RoomsController } from './rooms/rooms.controller';

@Module({ controllers: [RoomsController] })
export class IdentityModule {
  static forRoot(env: IdentityEnv): DynamicModule {
    return {
      module: IdentityModule,
      imports: [
        ServicePlatformModule.forRoot({
          name: 'identity',
          env,
          envClass: IdentityEnv,
          database: { schema: ServiceSchemas['identity'], entities: [], migrations },
          storage: false,
        }),
        SystemModule.forService('identity'),
      ],
    };
  }
}
