import { Module } from '@nestjs/common';
import { StagingSweeper } from './staging-sweeper';
import { UploadPipeline } from './upload-pipeline';

/** The streaming upload pipeline and its staging sweeper (needs StorageModule and the GatewayEnv). */
@Module({
  providers: [UploadPipeline, StagingSweeper],
  exports: [UploadPipeline],
})
export class UploadsModule {}
