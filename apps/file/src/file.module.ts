import { DynamicModule, Module } from '@nestjs/common';
import { ServiceSchemas } from '@quire/contracts';
import { ServicePlatformModule, SystemModule } from '@quire/platform';
import { FileEnv } from './file.env';
import { migrations } from './migrations';

@Module({})
export class FileModule {
  static forRoot(env: FileEnv): DynamicModule {
    return {
      module: FileModule,
      imports: [
        ServicePlatformModule.forRoot({
          name: 'file',
          env,
          envClass: FileEnv,
          database: { schema: ServiceSchemas['file'], entities: [], migrations },
          storage: true,
        }),
        SystemModule.forService('file'),
      ],
    };
  }
}
