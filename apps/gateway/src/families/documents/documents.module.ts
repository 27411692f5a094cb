import { Module } from '@nestjs/common';
import { IdentityResolutionModule } from '../../auth/identity-resolution.module';
import { IdentityClient } from '../identity-client';
import { TokensController } from './tokens.controller';
import { UserDirectoryController } from './user-directory.controller';

/** The documents family's routes (mount: see Mounts['documents']). */
@Module({
  imports: [IdentityResolutionModule],
  controllers: [TokensController, UserDirectoryController],
  providers: [IdentityClient],
})
export class DocumentsModule {}
