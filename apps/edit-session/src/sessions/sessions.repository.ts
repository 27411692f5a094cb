import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { In } from 'typeorm';
import { AccountScope, AccountScopedRepository, Db, modifiedRows } from '@quire/platform';
import { EditSession, SessionEndReason } from './edit-session.entity';

export type NewEditSession = Pick<
  EditSession,
  'labReportId' | 'templateId' | 'authorUserId' | 'authorName' | 'tokenId' | 'expiresAt' | 'maxExpiresAt'
>;

/** The new author of a session taken over, with a fresh token id and lease. */
export type SessionAuthorship = Pick<EditSession, 'authorUserId' | 'authorName' | 'tokenId' | 'expiresAt' | 'maxExpiresAt'>;

const END = `UPDATE "edit_session"."edit_sessions" SET "is_active" = false, "ended_at" = now(), "end_reason" = $2, "updated_at" = now()`;

/** Edit sessions; every method takes the account, except the cross-account expiry sweep. */
@Injectable()
export class SessionsRepository extends AccountScopedRepository<EditSession> {
  constructor(db: TransactionHost) {
    super(db as Db, EditSession);
  }

  find(scope: AccountScope, id: number | string, lock = false): Promise<EditSession | undefined> {
    return this.findOne(scope, { id: String(id) }, lock);
  }

  activeOfReport(scope: AccountScope, labReportId: number | string): Promise<EditSession | undefined> {
    return this.findOne(scope, { labReportId: String(labReportId), isActive: true });
  }

  /** The active session `id`, locked for the rest of the caller's transaction. */
  lockActive(scope: AccountScope, id: number | string): Promise<EditSession | undefined> {
    return this.findOne(scope, { id: String(id), isActive: true }, true);
  }

  async insert(scope: AccountScope, session: NewEditSession): Promise<EditSession> {
    const created = await this.rows().save(
      this.rows().create({ ...session, accountId: scope.accountId, isActive: true, endedAt: null, endReason: null }),
    );
    return (await this.find(scope, created.id))!;
  }

  /** Ends the active session `id` (the caller holds its lock); answers it as ended. */
  async end(scope: AccountScope, id: string, reason: SessionEndReason): Promise<EditSession | undefined> {
    const [ended] = await this.endWhere(scope, `"id" = $3`, [id], reason);
    return ended;
  }

  /** A lapsed session still holds its report's slot until swept: ends those of `labReportId`. */
  endExpiredOfReport(scope: AccountScope, labReportId: string): Promise<EditSession[]> {
    return this.endWhere(scope, `"lab_report_id" = $3 AND "expires_at" <= now()`, [labReportId], 'expired');
  }

  endAllOfUser(scope: AccountScope, userId: string, reason: SessionEndReason): Promise<EditSession[]> {
    return this.endWhere(scope, `"author_user_id" = $3`, [userId], reason);
  }

  /**
   * Ends up to `limit` sessions of any account whose lease ran out. Cross-account on purpose
   * (the expiry sweeper); SKIP LOCKED, so replicas sweeping at once never end a session twice.
   */
  async endExpiredOfAllAccounts(limit = 500): Promise<EditSession[]> {
    const rows = await modifiedRows<{ id: string }>(
      this.unscoped(),
      `UPDATE "edit_session"."edit_sessions" SET "is_active" = false, "ended_at" = now(), "end_reason" = 'expired', "updated_at" = now()
        WHERE "id" IN (SELECT "id" FROM "edit_session"."edit_sessions" WHERE "is_active" AND "expires_at" <= now()
                       ORDER BY "expires_at" LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING "id"`,
      [limit],
    );
    if (!rows.length) return [];
    return this.unscoped().find(EditSession, { where: { id: In(rows.map((row) => row.id)) }, order: { id: 'ASC' } });
  }

  /** Hands session `id` (locked by the caller) to a new author; answers it updated. */
  async transfer(scope: AccountScope, id: string, authorship: SessionAuthorship): Promise<EditSession> {
    await this.rows().update(this.scoped(scope, { id }), { ...authorship, updatedAt: () => 'now()' });
    return (await this.find(scope, id))!;
  }

  /**
   * Renews the lease of session `id` to `now + leaseSeconds`, never past its `max_expires_at` and
   * never shorter than it is; answers the new end. The caller holds the row's lock and checked the token.
   */
  async renewLease(scope: AccountScope, id: string, leaseSeconds: number): Promise<Date> {
    const [row] = await this.modify<{ expires_at: Date }>(
      scope,
      `UPDATE "edit_session"."edit_sessions"
          SET "expires_at" = GREATEST("expires_at", LEAST(now() + make_interval(secs => $3), "max_expires_at"))
        WHERE "account_id" = $1 AND "id" = $2 RETURNING "expires_at"`,
      [id, leaseSeconds],
    );
    return new Date(row!.expires_at);
  }

  private async endWhere(scope: AccountScope, where: string, params: unknown[], reason: SessionEndReason): Promise<EditSession[]> {
    const rows = await this.modify<{ id: string }>(scope, `${END} WHERE "account_id" = $1 AND "is_active" AND ${where} RETURNING "id"`, [reason, ...params]);
    if (!rows.length) return [];
    return this.rows().find({ where: this.scoped(scope, { id: In(rows.map((row) => row.id)) }), order: { id: 'ASC' } });
  }
}
