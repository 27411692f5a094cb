import { Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CommonEnv } from '../config/env';
import { createS3Client, ObjectStorage } from './object-storage';

/** Creates the bucket if it is missing when the app starts; closes the client at shutdown. */
@Injectable()
class StorageLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(ObjectStorage) private readonly storage: ObjectStorage) {}

  async onModuleInit(): Promise<void> {
    await this.storage.ensureBucket();
  }

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
      useFactory: (env: CommonEnv) =>
        new ObjectStorage(
          createS3Client(env),
          env.S3_BUCKET,
          env.S3_PUBLIC_ENDPOINT ? createS3Client({ ...env, S3_ENDPOINT: env.S3_PUBLIC_ENDPOINT }) : undefined,
        ),
    },
    StorageLifecycle,
  ],
  exports: [ObjectStorage],
})
export class StorageModule {}
