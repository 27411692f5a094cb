import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { enqueueRoomEvent } from '../events/room-events';
import { EditSession } from '../sessions/edit-session.entity';
import { renewLease } from '../sessions/session-lease';
import { ReportVersion } from './report-version.entity';

/** A report's versions, and what recording one touches (its session row, the report's room event). */
@Injectable()
export class VersionsRepository extends AccountScopedRepository<ReportVersion> {
  constructor(db: TransactionHost) {
    super(db as Db, ReportVersion);
  }

  /** The session, locked (FOR UPDATE) when inside a transaction, so saves of one session line up. */
  async session(scope: AccountScope, editId: number | string, lock = false): Promise<EditSession | null> {
    return this.db.tx.getRepository(EditSession).findOne({
      where: { id: String(editId), accountId: scope.accountId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  latest(scope: AccountScope, labReportId: string): Promise<ReportVersion | null> {
    return this.rows().findOne({ where: this.scoped(scope, { labReportId }), order: { versionNumber: 'DESC' } });
  }

  list(scope: AccountScope, labReportId: string): Promise<ReportVersion[]> {
    return this.rows().find({ where: this.scoped(scope, { labReportId }), order: { versionNumber: 'DESC' } });
  }

  async find(scope: AccountScope, labReportId: string, id: string): Promise<ReportVersion | undefined> {
    return this.findOne(scope, { labReportId, id });
  }

  /**
   * Inserts the version (numbered after the latest), marks the session updated and renews its
   * lease (a save shows the agent is alive); answers the stored row.
   */
  async record(scope: AccountScope, session: EditSession, version: Omit<ReportVersion, 'id' | 'versionNumber' | 'createdAt' | 'accountId'>, latest: ReportVersion | null, leaseSeconds: number): Promise<ReportVersion> {
    const row = this.rows().create({ ...version, accountId: scope.accountId, versionNumber: (latest?.versionNumber ?? 0) + 1 });
    const saved = await this.rows().save(row);
    await this.sql(scope, `UPDATE "edit_session"."edit_sessions" SET "updated_at" = now() WHERE "account_id" = $1 AND "id" = $2`, [session.id]);
    await renewLease(this.db.tx, session.id, leaseSeconds);
    return this.rows().findOneOrFail({ where: this.scoped(scope, { id: saved.id }) });
  }

  /** The report's room event, in the outbox of the open transaction (its sequence from the report row). */
  roomEvent(labReportId: string, subject: string, data: object): Promise<void> {
    return enqueueRoomEvent(this.db.tx, labReportId, subject, data);
  }
}
