import { Injectable } from '@nestjs/common';
import {
  ActiveSessionReply,
  EndSessionReply,
  KeepAliveReply,
  Principal,
  StartedSessionReply,
  StartSessionRequest,
} from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage, Outbox } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';
import { ReportsRepository } from '../reports/reports.repository';
import { s3Uri } from '../storage/storage-keys';
import { TemplatesRepository } from '../templates/templates.repository';
import { EditSession } from './edit-session.entity';
import { EndSessionUseCase } from './end-session.use-case';
import { KeepAliveUseCase } from './keep-alive.use-case';
import { SessionTokens } from './session-tokens';
import { SessionsRepository } from './sessions.repository';
import { StartSessionUseCase } from './start-session.use-case';
import { TakeOverSessionUseCase } from './take-over-session.use-case';

/**
 * Start, read, end and take over edit sessions (word-edit `GET/POST /{id}`, `PUT /{edit_id}`):
 * the writes are use cases; this builds the replies and publishes their events once committed.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly reports: ReportsRepository,
    private readonly templates: TemplatesRepository,
    private readonly startSession: StartSessionUseCase,
    private readonly endSession: EndSessionUseCase,
    private readonly takeOverSession: TakeOverSessionUseCase,
    private readonly keepAliveUseCase: KeepAliveUseCase,
    private readonly tokens: SessionTokens,
    private readonly storage: ObjectStorage,
    private readonly outbox: Outbox,
    private readonly env: EditSessionEnv,
  ) {}

  async active(principal: Principal, labReportId: number): Promise<ActiveSessionReply> {
    const session = await this.sessions.activeOfReport(principal, labReportId);
    if (!session || session.expiresAt <= new Date()) throw DomainError.notFound('Active edit session', { reason: 'No active session found' });
    const latest = await this.reports.latestVersion(principal, session.labReportId);
    const template = latest ? null : session.templateId ? await this.templates.find(principal, session.templateId) : null;
    const bucket = this.storage.bucket;
    return {
      id: Number(session.id),
      word_file_path: latest ? s3Uri(bucket, latest.docxKey) : template ? s3Uri(bucket, template.docxKey) : null,
      pdf_file_path: latest ? s3Uri(bucket, latest.pdfKey) : null,
      auth_token: session.authorUserId === principal.userId ? this.tokens.sign(session) : null,
      is_active: 1,
      author_name: session.authorName,
      updated_at: session.updatedAt.getTime(),
      expires_at: session.expiresAt.getTime(),
    };
  }

  async start(principal: Principal, request: StartSessionRequest): Promise<StartedSessionReply> {
    const { session, template } = await this.startSession.execute({ principal, request });
    await this.outbox.flush();
    return this.launchReply(session, template.docxKey);
  }

  async end(principal: Principal, editId: number): Promise<EndSessionReply> {
    await this.endSession.execute({ principal, editId });
    await this.outbox.flush();
    return { message: 'Session has been inactivated' };
  }

  async takeOver(principal: Principal, editId: number): Promise<StartedSessionReply> {
    const session = await this.takeOverSession.execute({ principal, editId });
    await this.outbox.flush();
    const template = session.templateId ? await this.templates.find(principal, session.templateId) : null;
    return this.launchReply(session, template?.docxKey);
  }

  keepAlive(principal: Principal, editId: number): Promise<KeepAliveReply> {
    return this.keepAliveUseCase.execute({ principal, editId });
  }

  private async launchReply(session: EditSession, templateKey: string | undefined): Promise<StartedSessionReply> {
    const latest = await this.reports.latestVersion(session, session.labReportId);
    const key = latest?.docxKey ?? templateKey;
    if (!key) throw new DomainError(ErrorCode.BadRequest, 'The session has no document to open', { reason: 'no template or version' });
    const authToken = this.tokens.sign(session);
    const templatePath = await this.storage.presignGet(key, this.env.EDIT_SESSION_PRESIGN_SECONDS, `report-${session.labReportId}.docx`);
    return {
      edit_id: Number(session.id),
      auth_token: authToken,
      template_path: templatePath,
      launch_url: `winword://${authToken}^${session.id}^${templatePath}`,
      expires_at: session.expiresAt.getTime(),
    };
  }
}
