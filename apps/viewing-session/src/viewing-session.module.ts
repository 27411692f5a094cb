import { DynamicModule, Module } from '@nestjs/common';
import { ServiceSchemas } from '@quire/contracts';
import { OutboundUrlPolicy, ServicePlatformModule, SystemModule } from '@quire/platform';
import { ViewingSessionEnv } from './viewing-session.env';
import { Comparison } from './comparisons/comparison.entity';
import { ComparisonRunner } from './comparisons/comparison-runner';
import { ComparisonsController } from './comparisons/comparisons.controller';
import { ComparisonsRepository } from './comparisons/comparisons.repository';
import { ComparisonsService } from './comparisons/comparisons.service';
import { migrations } from './migrations';
import { ViewingPackage } from './packages/viewing-package.entity';
import { ViewingPackagesController } from './packages/viewing-packages.controller';
import { Rendition } from './renditions/rendition.entity';
import { RenditionsModule } from './renditions/renditions.module';
import { ViewingSecret } from './secrets/viewing-secret.entity';
import { ViewingSecretsController } from './secrets/viewing-secrets.controller';
import { ViewingSecretsRepository } from './secrets/viewing-secrets.repository';
import { ViewingSecretsService } from './secrets/viewing-secrets.service';
import { CreateViewingSessionUseCase } from './sessions/create-viewing-session.use-case';
import { DocumentSources } from './sessions/document-sources';
import { PagesService } from './sessions/pages.service';
import { SessionExpirySweeper } from './sessions/session-expiry.sweeper';
import { SourceFilesService } from './sessions/source-files.service';
import { UrlSources } from './sessions/url-sources';
import { ViewingSession, ViewingSessionSource } from './sessions/viewing-session.entities';
import { ViewingSessionsController } from './sessions/viewing-sessions.controller';
import { ViewingSessionsRepository } from './sessions/viewing-sessions.repository';
import { ViewingSessionsService } from './sessions/viewing-sessions.service';
import { VersionAddedTrigger } from './triggers/version-added-trigger';
import { WatermarkedImages } from './watermarks/watermarked-images';

/** Every entity of the `viewing` schema. */
export const viewingEntities = [ViewingSession, ViewingSessionSource, ViewingSecret, Rendition, ViewingPackage, Comparison];

/** Sessions, their sources, secrets and the page API (viewing-api); renditions are viewing-render's. */
export const viewingSessionProviders = [
  ViewingSessionsRepository,
  ViewingSecretsRepository,
  ViewingSecretsService,
  CreateViewingSessionUseCase,
  DocumentSources,
  UrlSources,
  SourceFilesService,
  PagesService,
  ViewingSessionsService,
  WatermarkedImages,
];

/** Comparison of a comparison session's two documents (ADR 020). */
export const comparisonProviders = [ComparisonsRepository, ComparisonRunner, ComparisonsService];

@Module({})
export class ViewingSessionModule {
  static forRoot(env: ViewingSessionEnv): DynamicModule {
    return {
      module: ViewingSessionModule,
      imports: [
        ServicePlatformModule.forRoot({
          name: 'viewing-session',
          env,
          envClass: ViewingSessionEnv,
          database: { schema: ServiceSchemas['viewing-session'], entities: viewingEntities, migrations },
          storage: true,
        }),
        SystemModule.forService('viewing-session'),
        RenditionsModule,
      ],
      controllers: [ViewingSessionsController, ViewingSecretsController, ViewingPackagesController, ComparisonsController],
      providers: [
        ...viewingSessionProviders,
        ...comparisonProviders,
        SessionExpirySweeper,
        // Started after migrations (main.ts).
        VersionAddedTrigger,
        // OUTBOUND_URL_* settings, validated at start-up (ADR 014).
        { provide: OutboundUrlPolicy, useFactory: () => OutboundUrlPolicy.fromEnv() },
      ],
    };
  }
}
