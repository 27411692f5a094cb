import { DynamicModule, Module } from '@nestjs/common';
import { ServiceSchemas } from '@quire/contracts';
import { ServicePlatformModule, SystemModule } from '@quire/platform';
import { EditSessionEnv } from './edit-session.env';
import { migrations } from './migrations';

@Module({})
export class EditSessionModule {
  static forRoot(env: EditSessionEnv): DynamicModule {
    return {
      module: EditSessionModule,
      imports: [
        ServicePlatformModule.forRoot({
          name: 'edit-session',
          env,
          envClass: EditSessionEnv,
          database: { schema: ServiceSchemas['edit-session'], entities: [], migrations },
          storage: true,
        }),
        SystemModule.forService('edit-session'),
      ],
    };
  }
}
