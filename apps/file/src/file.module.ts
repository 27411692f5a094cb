import { DynamicModule, Module } from '@nestjs/common';
import { ServiceSchemas } from '@quire/contracts';
import { outboxProvider, ServicePlatformModule, SystemModule, UploadReservationRow, uploadReservationProviders } from '@quire/platform';
import { FileEnv } from './file.env';
import { FileSettings } from './file.settings';
import { FileShare } from './files/file-share.entity';
import { StoredFile } from './files/file.entity';
import { FilesController } from './files/files.controller';
import { FilesRepository } from './files/files.repository';
import { FilesService } from './files/files.service';
import { AccountUsers, IdentityAccountUsers } from './files/account-users';
import { CommitFileUseCase } from './files/commit-file.use-case';
import { ReserveFileUploadUseCase } from './files/reserve-file-upload.use-case';
import { DeleteFileUseCase } from './files/delete-file.use-case';
import { RenameFileUseCase } from './files/rename-file.use-case';
import { ShareFileUseCase } from './files/share-file.use-case';
import { migrations } from './migrations';
import { FileView } from './views/file-view.entity';
import { VariantRenderer } from './views/variant-renderer';
import { ViewsController } from './views/views.controller';
import { ViewsService } from './views/views.service';
import { ViewingSourceModule } from './viewing/viewing-source.module';

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
          database: { schema: ServiceSchemas['file'], entities: [StoredFile, FileShare, FileView, UploadReservationRow], migrations },
          storage: true,
        }),
        SystemModule.forService('file'),
        ViewingSourceModule,
      ],
      controllers: [FilesController, ViewsController],
      providers: [
        FileSettings,
        FilesRepository,
        { provide: AccountUsers, useClass: IdentityAccountUsers },
        RenameFileUseCase,
        DeleteFileUseCase,
        ShareFileUseCase,
        FilesService,
        RenameFileUseCase,
        DeleteFileUseCase,
        ShareFileUseCase,
        ReserveFileUploadUseCase,
        CommitFileUseCase,
        ViewsService,
        VariantRenderer,
        outboxProvider(ServiceSchemas['file'], 2000),
        ...uploadReservationProviders(FileEnv, (fileEnv) => ({
          sweepIntervalMs: fileEnv.UPLOAD_RESERVATION_SWEEP_INTERVAL_SECONDS * 1000,
          keepSettledSeconds: fileEnv.UPLOAD_RESERVATION_TTL_SECONDS,
        })),
      ],
    };
  }
}
