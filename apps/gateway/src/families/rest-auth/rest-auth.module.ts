import { Module } from '@nestjs/common';
import { IdentityResolutionModule } from '../../auth/identity-resolution.module';
import { IdentityClient } from '../identity-client';
import { PublicDirectoryController } from './public-directory.controller';
import { SessionsController } from './sessions.controller';
import { RestUsersController } from './users.controller';

/** The rest-auth family's routes (mount: see Mounts['rest-auth']). */
@Module({
  imports: [IdentityResolutionModule],
  controllers: [SessionsController, PublicDirectoryController, RestUsersController],
  providers: [IdentityClient],
})
export class RestAuthModule {}
