import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { EditSessionEvents, Principal, StartSessionRequest } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage, Transactional } from '@quire/platform';
import { RoomEvents } from '../events/room-events';
import { ReportsRepository } from '../reports/reports.repository';
import { keyOfS3Uri } from '../storage/storage-keys';
import { ReportTemplate } from '../templates/report-template.entity';
import { TemplatesRepository } from '../templates/templates.repository';
import { displayNameOf } from '../wire';
import { EditSession } from './edit-session.entity';
import { SessionLeases } from './session-lease';
import { announceEnded, sessionEvent } from './session-events';
import { SessionsRepository } from './sessions.repository';

const ONE_ACTIVE_PER_REPORT = 'edit_sessions_one_active_per_report';

export interface StartSessionCommand {
  principal: Principal;
  request: StartSessionRequest;
}

function isActiveSessionConflict(error: unknown): boolean {
  const driver = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return error instanceof QueryFailedError && driver?.code === '23505' && driver.constraint === ONE_ACTIVE_PER_REPORT;
}

/** Opens an edit session of a report for the caller: at most one active per report. */
@Injectable()
export class StartSessionUseCase {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly templates: TemplatesRepository,
    private readonly sessions: SessionsRepository,
    private readonly rooms: RoomEvents,
    private readonly leases: SessionLeases,
    private readonly storage: ObjectStorage,
  ) {}

  @Transactional()
  async execute({ principal, request }: StartSessionCommand): Promise<{ session: EditSession; template: ReportTemplate }> {
    const report = await this.reports.findReport(principal, request.lab_report_id);
    if (!report) throw new DomainError(ErrorCode.BadRequest, 'Lab report not found', { reason: 'lab report not found' });
    const template = await this.templates.find(principal, request.template_id);
    if (!template) throw new DomainError(ErrorCode.BadRequest, 'Template not found', { reason: 'template not found' });
    const key = keyOfS3Uri(this.storage.bucket, request.word_s3_filepath);
    if (!(await this.reports.ownsDocx(principal, key))) {
      throw new DomainError(ErrorCode.BadRequest, 'word_s3_filepath is not an object of this account', { reason: 'word_s3_filepath is not an object of this account' });
    }
    await announceEnded(this.rooms, await this.sessions.endExpiredOfReport(principal, report.id), 'expired');
    const session = await this.insert(principal, {
      labReportId: report.id,
      templateId: template.id,
      authorUserId: principal.userId,
      authorName: displayNameOf(principal),
      tokenId: randomUUID(),
      ...this.leases.fresh(),
    });
    await this.rooms.record(principal, report.id, EditSessionEvents.sessionCreated, sessionEvent(session));
    return { session, template };
  }

  private async insert(principal: Principal, session: Parameters<SessionsRepository['insert']>[1]): Promise<EditSession> {
    try {
      return await this.sessions.insert(principal, session);
    } catch (error) {
      if (isActiveSessionConflict(error)) {
        throw DomainError.conflict('An edit session is already active for this report', { reason: 'Active session already exists' });
      }
      throw error;
    }
  }
}
