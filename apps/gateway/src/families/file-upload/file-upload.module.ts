import { Module } from '@nestjs/common';
import { UploadsModule } from '../../uploads/uploads.module';
import { AccountCodeGuard } from './account-code.guard';
import { FileClient } from './file-client';
import { FilesController } from './files.controller';
import { FileUploadFormFields } from './form-fields';
import { FileViewController } from './file-view.controller';

/** The file-upload family's routes (mount: see Mounts['file-upload']; view links under /files/view). */
@Module({
  imports: [UploadsModule],
  controllers: [FilesController, FileViewController],
  providers: [AccountCodeGuard, FileUploadFormFields, FileClient],
})
export class FileUploadModule {}
