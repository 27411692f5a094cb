import { DynamicModule, Module } from '@nestjs/common';
import { ServiceSchemas } from '@quire/contracts';
import { outboxProvider, ServicePlatformModule, SystemModule } from '@quire/platform';
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
import { SessionsService } from './sessions/sessions.service';
import { SessionsRepository } from './sessions/sessions.repository';
import { SessionLeases } from './sessions/session-lease';
import { StartSessionUseCase } from './sessions/start-session.use-case';
import { EndSessionUseCase } from './sessions/end-session.use-case';
import { TakeOverSessionUseCase } from './sessions/take-over-session.use-case';
import { ExpireSessionsUseCase } from './sessions/expire-sessions.use-case';
import { RevokeUserSessionsUseCase } from './sessions/revoke-user-sessions.use-case';
import { RoomEvents } from './events/room-events';
import { KeepAliveUseCase } from './sessions/keep-alive.use-case';
import { TemplatesRepository } from './templates/templates.repository';
import { StagedFiles } from './storage/staged-files';
import { ReportTemplate } from './templates/report-template.entity';
import { TemplatesService } from './templates/templates.service';
import { ReportVersion } from './versions/report-version.entity';
import { VersionsController } from './versions/versions.controller';
import { VersionsService } from './versions/versions.service';

export const editSessionEntities = [LabReport, ReportTemplate, EditSession, ReportVersion];

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
    StartSessionUseCase,
    EndSessionUseCase,
    TakeOverSessionUseCase,
    ExpireSessionsUseCase,
    RevokeUserSessionsUseCase,
    KeepAliveUseCase,
    SessionTokens,
    StagedFiles,
    outboxProvider(ServiceSchemas['edit-session'], 2000),
    SessionExpirySweeper,
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
      ],
    };
  }
}
