import { Module } from '@nestjs/common';
import { UploadPipeline } from './upload-pipeline';

/** The streaming upload pipeline (needs StorageModule). Leftovers are each owning service's reservation sweeper's. */
@Module({
  providers: [UploadPipeline],
  exports: [UploadPipeline],
})
export class UploadsModule {}
