import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { CommonEnv } from '../config/env';
import { createS3Client, ObjectStorage } from './object-storage';

@Injectable()
class StorageCloser implements OnApplicationShutdown {
  constructor(@Inject(ObjectStorage) private readonly storage: ObjectStorage) {}

  onApplicationShutdown(): void {
    this.storage.client.destroy();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: ObjectStorage,
      inject: [CommonEnv],
      useFactory: (env: CommonEnv) => new ObjectStorage(createS3Client(env), env.S3_BUCKET),
    },
    StorageCloser,
  ],
  exports: [ObjectStorage],
})
export class StorageModule {}
