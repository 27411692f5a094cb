import { Module } from '@nestjs/common';

/** The file-upload family's routes (mount: see Mounts['file-upload']). */
@Module({
  controllers: [],
  providers: [],
})
export class FileUploadModule {}
