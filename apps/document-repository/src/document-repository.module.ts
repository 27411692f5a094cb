import { DynamicModule, Module } from '@nestjs/common';
import { ServiceSchemas } from '@quire/contracts';
import { outboxProvider, ServicePlatformModule, SystemModule, UploadReservationRow, uploadReservationProviders } from '@quire/platform';
import { DocumentRepositoryController } from './document-repository.controller';
import { DocumentRepositoryEnv } from './document-repository.env';
import { CommitUploadUseCase } from './documents/commit-upload.use-case';
import { DeleteVersionUseCase } from './documents/delete-version.use-case';
import { DocumentsRepository } from './documents/documents.repository';
import { DocumentsService } from './documents/documents.service';
import { FieldsRepository } from './fields/fields.repository';
import { FieldsService } from './fields/fields.service';
import { FoldersRepository } from './folders/folders.repository';
import { FoldersService } from './folders/folders.service';
import { migrations } from './migrations';
import { ViewingSourceModule } from './viewing/viewing-source.module';
import { CreateProjectUseCase } from './projects/create-project.use-case';
import { IdentityDirectory } from './projects/identity-directory';
import { ProjectAccess, TeamDirectory } from './projects/project-access';
import { Project } from './projects/project.entities';
import { ProjectsRepository } from './projects/projects.repository';
import { ProjectsService } from './projects/projects.service';
import { DocumentRow, FieldDefinitionRow, FolderRow, TemplateRow } from './shared/docrepo.entities';
import { TemplatesRepository } from './templates/templates.repository';

/** Everything but the platform: repositories, use cases, services (tests build it on a medium context). */
export const documentRepositoryProviders = [
  ProjectsRepository,
  TemplatesRepository,
  FoldersRepository,
  FieldsRepository,
  DocumentsRepository,
  IdentityDirectory,
  { provide: TeamDirectory, useExisting: IdentityDirectory },
  ProjectAccess,
  CreateProjectUseCase,
  CommitUploadUseCase,
  DeleteVersionUseCase,
  ProjectsService,
  FoldersService,
  FieldsService,
  DocumentsService,
];

export const documentRepositoryEntities = [Project, FolderRow, DocumentRow, TemplateRow, FieldDefinitionRow, UploadReservationRow];

@Module({})
export class DocumentRepositoryModule {
  static forRoot(env: DocumentRepositoryEnv): DynamicModule {
    return {
      module: DocumentRepositoryModule,
      imports: [
        ServicePlatformModule.forRoot({
          name: 'document-repository',
          env,
          envClass: DocumentRepositoryEnv,
          database: { schema: ServiceSchemas['document-repository'], entities: documentRepositoryEntities, migrations },
          storage: true,
        }),
        SystemModule.forService('document-repository'),
        ViewingSourceModule,
      ],
      controllers: [DocumentRepositoryController],
      providers: [
        ...documentRepositoryProviders,
        outboxProvider(ServiceSchemas['document-repository'], env.DOCREPO_OUTBOX_SWEEP_MS),
        ...uploadReservationProviders(DocumentRepositoryEnv, (e) => ({
          sweepIntervalMs: e.UPLOAD_RESERVATION_SWEEP_INTERVAL_SECONDS * 1000,
          keepSettledSeconds: e.UPLOAD_RESERVATION_TTL_SECONDS,
        })),
      ],
    };
  }
}
