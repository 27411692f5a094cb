import { Module } from '@nestjs/common';

/** The documents family's routes (mount: see Mounts['documents']). */
@Module({
  controllers: [],
  providers: [],
})
export class DocumentsModule {}
