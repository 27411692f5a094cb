import { Module } from '@nestjs/common';
import { IdentityResolutionModule } from '../../auth/identity-resolution.module';
import { UploadsModule } from '../../uploads/uploads.module';
import { IdentityClient } from '../identity-client';
import { ProjectDocumentsController } from './project-documents.controller';
import { ProjectsController } from './projects.controller';
import { TokensController } from './tokens.controller';
import { UserDirectoryController } from './user-directory.controller';

/** The documents family's routes (mount: see Mounts['documents']). */
@Module({
  imports: [IdentityResolutionModule, UploadsModule],
  controllers: [TokensController, UserDirectoryController, ProjectsController, ProjectDocumentsController],
  providers: [IdentityClient],
})
export class DocumentsModule {}
