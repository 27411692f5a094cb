import { Module } from '@nestjs/common';

/** The word-edit family's routes (mount: see Mounts['word-edit']). */
@Module({
  controllers: [],
  providers: [],
})
export class WordEditModule {}
