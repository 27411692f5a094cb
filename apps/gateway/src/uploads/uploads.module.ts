import { Module } from '@nestjs/common';
import { ObjectStorage } from '@quire/platform';
import { GatewayEnv } from '../gateway.env';
import { UploadPipeline } from './upload-pipeline';

/** The streaming upload pipeline (needs StorageModule). Leftovers are each owning service's reservation sweeper's. */
@Module({
  providers: [
    {
      provide: UploadPipeline,
      inject: [ObjectStorage, GatewayEnv],
      useFactory: (storage: ObjectStorage, env: GatewayEnv) => new UploadPipeline(storage, env.UPLOAD_IDLE_TIMEOUT_SECONDS * 1000),
    },
  ],
  exports: [UploadPipeline],
})
export class UploadsModule {}
