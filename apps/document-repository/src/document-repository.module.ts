import { DynamicModule, Module } from '@nestjs/common';
import { ServiceSchemas } from '@quire/contracts';
import { ServicePlatformModule, SystemModule } from '@quire/platform';
import { DocumentRepositoryEnv } from './document-repository.env';
import { migrations } from './migrations';
import { ViewingSourceModule } from './viewing/viewing-source.module';

@Module({})
export class DocumentRepositoryModule {
  static forRoot(env: DocumentRepositoryEnv): DynamicModule {
    return {
      module: DocumentRepositoryModule,
      imports: [
        ServicePlatformModule.forRoot({
          name: 'document-repository',
          env,
          envClass: DocumentRepositoryEnv,
          database: { schema: ServiceSchemas['document-repository'], entities: [], migrations },
          storage: true,
        }),
        SystemModule.forService('document-repository'),
        ViewingSourceModule,
      ],
    };
  }
}
