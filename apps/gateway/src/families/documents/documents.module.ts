import { Module } from '@nestjs/common';
import { TokensController } from './tokens.controller';
import { UserDirectoryController } from './user-directory.controller';

/** The documents family's routes (mount: see Mounts['documents']). */
@Module({
  controllers: [TokensController, UserDirectoryController],
  providers: [],
})
export class DocumentsModule {}
