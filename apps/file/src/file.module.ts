import { DynamicModule, Module } from '@nestjs/common';
import { ServiceSchemas } from '@quire/contracts';
import { outboxProvider, ServicePlatformModule, SystemModule } from '@quire/platform';
import { FileEnv } from './file.env';
import { FileSettings } from './file.settings';
import { FileShare } from './files/file-share.entity';
import { StoredFile } from './files/file.entity';
import { FilesController } from './files/files.controller';
import { FilesRepository } from './files/files.repository';
import { FilesService } from './files/files.service';
import { DeleteFileUseCase } from './files/delete-file.use-case';
import { RenameFileUseCase } from './files/rename-file.use-case';
import { ShareFileUseCase } from './files/share-file.use-case';
import { migrations } from './migrations';
import { FileView } from './views/file-view.entity';
import { VariantRenderer } from './views/variant-renderer';
import { ViewsController } from './views/views.controller';
import { ViewsService } from './views/views.service';

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
          database: { schema: ServiceSchemas['file'], entities: [StoredFile, FileShare, FileView], migrations },
          storage: true,
        }),
        SystemModule.forService('file'),
      ],
      controllers: [FilesController, ViewsController],
      providers: [FileSettings, FilesRepository, RenameFileUseCase, DeleteFileUseCase, ShareFileUseCase, FilesService, ViewsService, VariantRenderer, outboxProvider(ServiceSchemas['file'], 2000)],
    };
  }
}
