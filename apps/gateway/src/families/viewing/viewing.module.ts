import { Module } from '@nestjs/common';
import { IdentityResolutionModule } from '../../auth/identity-resolution.module';
import { RawSourceBody } from './raw-source-body';
import { ViewerSessionController } from './viewer-session.controller';
import { ViewingPackagesController } from './viewing-packages.controller';
import { ViewingPagesController } from './viewing-pages.controller';
import { ViewingRevisionsController } from './viewing-revisions.controller';
import { ViewingSecretsController } from './viewing-secrets.controller';
import { ViewingSessionsController } from './viewing-sessions.controller';

/** The viewing family's session, page and secret routes (mount: Mounts['viewing'], `/pas`). */
@Module({
  imports: [IdentityResolutionModule],
  controllers: [
    ViewingSessionsController,
    ViewingPagesController,
    ViewingSecretsController,
    ViewingPackagesController,
    ViewingRevisionsController,
    ViewerSessionController,
  ],
  providers: [RawSourceBody],
})
export class ViewingModule {}
