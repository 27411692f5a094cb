import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { canTakeOverEditSession } from '@quire/auth';
import {
  ActiveSessionReply,
  EditSessionEvents,
  EndSessionReply,
  KeepAliveReply,
  Principal,
  SessionEvent,
  StartedSessionReply,
  StartSessionRequest,
} from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { modifiedRows, ObjectStorage, Outbox } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';
import { enqueueRoomEvent } from '../events/room-events';
import { ReportsRepository } from '../reports/reports.repository';
import { keyOfS3Uri, s3Uri } from '../storage/storage-keys';
import { displayNameOf } from '../wire';
import { EditSession, SessionEndReason } from './edit-session.entity';
import { renewLease } from './session-lease';
import { assertAgentMaySave, SessionTokens } from './session-tokens';

const ONE_ACTIVE_PER_REPORT = 'edit_sessions_one_active_per_report';

function sessionEvent(session: EditSession, extra: Partial<SessionEvent> = {}): SessionEvent {
  return {
    lab_report_id: Number(session.labReportId),
    edit_id: Number(session.id),
    author_name: session.authorName,
    author_user_id: session.authorUserId,
    updated_at: session.updatedAt.getTime(),
    ...extra,
  };
}

/**
 * Ends the active sessions that `where` selects (SQL on "edit_sessions"; its parameters start at
 * $2) and queues `session_ended` with `reason` for each, in the caller's transaction.
 */
async function endSessions(manager: EntityManager, where: string, params: unknown[], reason: SessionEndReason): Promise<number> {
  const rows = await modifiedRows<{ id: string }>(
    manager,
    `UPDATE "edit_session"."edit_sessions" SET "is_active" = false, "ended_at" = now(), "end_reason" = $1, "updated_at" = now()
       WHERE "is_active" AND ${where} RETURNING "id"`,
    [reason, ...params],
  );
  for (const row of rows) {
    const session = await manager.findOneOrFail(EditSession, { where: { id: row.id } });
    await enqueueRoomEvent(manager, session.labReportId, EditSessionEvents.sessionEnded, sessionEvent(session, { reason }));
  }
  return rows.length;
}

function isActiveSessionConflict(error: unknown): boolean {
  const driver = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return error instanceof QueryFailedError && driver?.code === '23505' && driver.constraint === ONE_ACTIVE_PER_REPORT;
}

/** Start, read, end and take over edit sessions (word-edit `GET/POST /{id}`, `PUT /{edit_id}`). */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reports: ReportsRepository,
    private readonly tokens: SessionTokens,
    private readonly storage: ObjectStorage,
    private readonly outbox: Outbox,
    private readonly env: EditSessionEnv,
  ) {}

  async active(principal: Principal, labReportId: number): Promise<ActiveSessionReply> {
    const session = await this.dataSource.manager.findOne(EditSession, {
      where: { accountId: principal.accountId, labReportId: String(labReportId), isActive: true },
    });
    if (!session || session.expiresAt <= new Date()) throw DomainError.notFound('Active edit session', { reason: 'No active session found' });
    const latest = await this.reports.latestVersion(principal.accountId, session.labReportId);
    const template = latest ? null : session.templateId ? await this.reports.findTemplate(principal.accountId, session.templateId) : null;
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
    const accountId = principal.accountId;
    const report = await this.reports.findReport(accountId, request.lab_report_id);
    if (!report) throw new DomainError(ErrorCode.BadRequest, 'Lab report not found', { reason: 'lab report not found' });
    const template = await this.reports.findTemplate(accountId, request.template_id);
    if (!template) throw new DomainError(ErrorCode.BadRequest, 'Template not found', { reason: 'template not found' });
    const key = keyOfS3Uri(this.storage.bucket, request.word_s3_filepath);
    if (!(await this.reports.ownsDocx(accountId, key))) {
      throw new DomainError(ErrorCode.BadRequest, 'word_s3_filepath is not an object of this account', { reason: 'word_s3_filepath is not an object of this account' });
    }

    let session: EditSession;
    try {
      session = await this.dataSource.transaction(async (manager) => {
        await this.endExpired(manager, report.id);
        const created = await manager.save(
          manager.create(EditSession, {
            accountId,
            labReportId: report.id,
            templateId: template.id,
            authorUserId: principal.userId,
            authorName: displayNameOf(principal),
            isActive: true,
            tokenId: randomUUID(),
            ...this.newLease(),
            endedAt: null,
            endReason: null,
          }),
        );
        const saved = await manager.findOneOrFail(EditSession, { where: { id: created.id } });
        await enqueueRoomEvent(manager, report.id, EditSessionEvents.sessionCreated, sessionEvent(saved));
        return saved;
      });
    } catch (error) {
      if (isActiveSessionConflict(error)) {
        throw DomainError.conflict('An edit session is already active for this report', { reason: 'Active session already exists' });
      }
      throw error;
    }
    await this.outbox.flush();
    return this.launchReply(session, template.docxKey);
  }

  async end(principal: Principal, editId: number): Promise<EndSessionReply> {
    await this.dataSource.transaction(async (manager) => {
      const session = await this.lockActive(manager, principal.accountId, editId);
      if (session.authorUserId !== principal.userId) {
        throw DomainError.forbidden('Only the author can end this session', { reason: 'not the session author' });
      }
      const [row] = await modifiedRows<{ updated_at: Date }>(
        manager,
        `UPDATE "edit_session"."edit_sessions" SET "is_active" = false, "ended_at" = now(), "end_reason" = 'ended', "updated_at" = now()
           WHERE "id" = $1 RETURNING "updated_at"`,
        [session.id],
      );
      session.updatedAt = row!.updated_at;
      await enqueueRoomEvent(manager, session.labReportId, EditSessionEvents.sessionEnded, sessionEvent(session, { reason: 'ended' }));
    });
    await this.outbox.flush();
    return { message: 'Session has been inactivated' };
  }

  async takeOver(principal: Principal, editId: number): Promise<StartedSessionReply> {
    if (!canTakeOverEditSession(principal)) {
      throw DomainError.forbidden('Taking over an edit session needs the admin or report_editor role', { reason: 'role required' });
    }
    const lease = this.newLease();
    const session = await this.dataSource.transaction(async (manager) => {
      const current = await this.lockActive(manager, principal.accountId, editId);
      const previous = { previous_author_name: current.authorName, previous_author_user_id: current.authorUserId };
      await manager.query(
        `UPDATE "edit_session"."edit_sessions"
            SET "author_user_id" = $2, "author_name" = $3, "token_id" = $4, "expires_at" = $5, "max_expires_at" = $6, "updated_at" = now()
          WHERE "id" = $1`,
        [current.id, principal.userId, displayNameOf(principal), randomUUID(), lease.expiresAt, lease.maxExpiresAt],
      );
      const updated = await manager.findOneOrFail(EditSession, { where: { id: current.id } });
      await enqueueRoomEvent(manager, updated.labReportId, EditSessionEvents.authorshipChanged, sessionEvent(updated, previous));
      return updated;
    });
    await this.outbox.flush();
    const template = session.templateId ? await this.reports.findTemplate(principal.accountId, session.templateId) : null;
    return this.launchReply(session, template?.docxKey);
  }

  /**
   * Ends every active session whose lease ran out and queues `session_ended` for each. One
   * UPDATE ... RETURNING: replicas sweeping at once never end (or announce) a session twice.
   */
  endExpiredSessions(): Promise<number> {
    return this.endAndAnnounce(
      `"id" IN (SELECT "id" FROM "edit_session"."edit_sessions" WHERE "is_active" AND "expires_at" <= now()
                ORDER BY "expires_at" LIMIT 500 FOR UPDATE SKIP LOCKED)`,
      [],
      'expired',
    );
  }

  /**
   * The agent's keepalive: renews the lease of its session (never past `max_expires_at`). Only the
   * session's current token may, while the session is active and its lease has not run out.
   */
  async keepAlive(principal: Principal, editId: number): Promise<KeepAliveReply> {
    const renewed = await this.dataSource.transaction(async (manager) => {
      const session = await manager.findOne(EditSession, {
        where: { id: String(editId), accountId: principal.accountId },
        lock: { mode: 'pessimistic_write' },
      });
      assertAgentMaySave(principal, String(editId), session);
      return renewLease(manager, session.id, this.env.EDIT_SESSION_LEASE_SECONDS);
    });
    return { edit_id: editId, expires_at: renewed.getTime() };
  }

  /** A fresh lease and lifetime, for a start or a takeover. */
  private newLease(now = Date.now()): { expiresAt: Date; maxExpiresAt: Date } {
    const maxExpiresAt = new Date(now + this.env.EDIT_SESSION_TTL_SECONDS * 1000);
    const lease = new Date(now + this.env.EDIT_SESSION_LEASE_SECONDS * 1000);
    return { expiresAt: lease < maxExpiresAt ? lease : maxExpiresAt, maxExpiresAt };
  }

  /**
   * Ends the active sessions of a user who lost access (identity's `user_disabled`): their
   * agent's token stops working at once and the report is free for someone else.
   */
  endSessionsOfUser(accountId: string, userId: string): Promise<number> {
    return this.endAndAnnounce(`"account_id" = $2 AND "author_user_id" = $3`, [accountId, userId], 'access_revoked');
  }

  /** Ends the sessions `where` selects in one transaction, then publishes their `session_ended`. */
  private async endAndAnnounce(where: string, params: unknown[], reason: SessionEndReason): Promise<number> {
    const ended = await this.dataSource.transaction((manager) => endSessions(manager, where, params, reason));
    if (ended) await this.outbox.flush();
    return ended;
  }

  /** A lapsed session still holds the report's slot until swept: free it before a new start. */
  private async endExpired(manager: EntityManager, labReportId: string): Promise<void> {
    await endSessions(manager, `"lab_report_id" = $2 AND "expires_at" <= now()`, [labReportId], 'expired');
  }

  private async lockActive(manager: EntityManager, accountId: string, editId: number): Promise<EditSession> {
    const session = await manager.findOne(EditSession, {
      where: { accountId, id: String(editId), isActive: true },
      lock: { mode: 'pessimistic_write' },
    });
    if (!session || session.expiresAt <= new Date()) throw DomainError.notFound('Edit session', { reason: 'Session not found' });
    return session;
  }

  private async launchReply(session: EditSession, templateKey: string | undefined): Promise<StartedSessionReply> {
    const latest = await this.reports.latestVersion(session.accountId, session.labReportId);
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
