import { DynamicModule, Module } from '@nestjs/common';
import { ServiceSchemas } from '@quire/contracts';
import { outboxProvider, ServicePlatformModule, SystemModule, UploadReservationRow, uploadReservationProviders } from '@quire/platform';
import { EditSessionEnv } from './edit-session.env';
import { migrations } from './migrations';
import { LabReport } from './reports/lab-report.entity';
import { ReportsController } from './reports/reports.controller';
import { ReportsRepository } from './reports/reports.repository';
import { ReportsService } from './reports/reports.service';
import { RoomsController } from './rooms/rooms.controller';
import { EditSession } from './sessions/edit-session.entity';
import { SessionExpirySweeper } from './sessions/session-expiry.sweeper';
import { SessionTokens } from './sessions/session-tokens';
import { IdentityEventsController } from './sessions/identity-events.controller';
import { SessionsController } from './sessions/sessions.controller';
import { sessionUseCases } from './sessions/session-use-cases';
import { SessionsService } from './sessions/sessions.service';
import { SessionsRepository } from './sessions/sessions.repository';
import { SessionLeases } from './sessions/session-lease';
import { RoomEvents } from './events/room-events';
import { TemplatesRepository } from './templates/templates.repository';
import { ReceivedFiles } from './storage/received-files';
import { ReportTemplate } from './templates/report-template.entity';
import { TemplatesService } from './templates/templates.service';
import { CommitTemplateUploadUseCase } from './templates/commit-template-upload.use-case';
import { ReserveTemplateUploadUseCase } from './templates/reserve-template-upload.use-case';
import { ReportVersion } from './versions/report-version.entity';
import { VersionsController } from './versions/versions.controller';
import { CommitAgentUploadUseCase } from './versions/commit-agent-upload.use-case';
import { ReserveAgentUploadUseCase } from './versions/reserve-agent-upload.use-case';
import { VersionsRepository } from './versions/versions.repository';
import { VersionsService } from './versions/versions.service';
import { ViewingSourceModule } from './viewing/viewing-source.module';

export const editSessionEntities = [LabReport, ReportTemplate, EditSession, ReportVersion, UploadReservationRow];

@Module({
  controllers: [SessionsController, VersionsController, ReportsController, RoomsController, IdentityEventsController],
  providers: [
    SessionsService,
    VersionsService,
    ReportsService,
    TemplatesService,
    ReportsRepository,
    TemplatesRepository,
    SessionsRepository,
    SessionLeases,
    RoomEvents,
    ...sessionUseCases,
    SessionTokens,
    ReceivedFiles,
    outboxProvider(ServiceSchemas['edit-session'], 2000),
    SessionExpirySweeper,
    VersionsRepository,
    ReserveAgentUploadUseCase,
    CommitAgentUploadUseCase,
    ReserveTemplateUploadUseCase,
    CommitTemplateUploadUseCase,
    ...uploadReservationProviders(EditSessionEnv, (env) => ({
      sweepIntervalMs: env.UPLOAD_RESERVATION_SWEEP_INTERVAL_SECONDS * 1000,
      keepSettledSeconds: env.UPLOAD_RESERVATION_TTL_SECONDS,
    })),
  ],
})
export class EditSessionModule {
  static forRoot(env: EditSessionEnv): DynamicModule {
    return {
      module: EditSessionModule,
      imports: [
        ServicePlatformModule.forRoot({
          name: 'edit-session',
          env,
          envClass: EditSessionEnv,
          database: { schema: ServiceSchemas['edit-session'], entities: editSessionEntities, migrations },
          storage: true,
        }),
        SystemModule.forService('edit-session'),
        ViewingSourceModule,
      ],
    };
  }
}
