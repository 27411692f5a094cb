import { Module } from '@nestjs/common';

/** The rest-auth family's routes (mount: see Mounts['rest-auth']). */
@Module({
  controllers: [],
  providers: [],
})
export class RestAuthModule {}
