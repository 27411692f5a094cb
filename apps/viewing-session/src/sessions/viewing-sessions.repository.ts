import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import type { SourceFileSlot } from '@quire/contracts';
import { ViewingSession, ViewingSessionSource } from './viewing-session.entities';

export interface ReceivedSource {
  objectKey: string;
  sizeBytes: number;
  sha256: string | null;
  contentType: string;
  name: string;
  renditionId: string | null;
}

/** Viewing sessions and their sources (one aggregate). */
@Injectable()
export class ViewingSessionsRepository extends AccountScopedRepository<ViewingSession> {
  constructor(db: TransactionHost) {
    super(db as Db, ViewingSession);
  }

  async insert(scope: AccountScope, session: ViewingSession, sources: ViewingSessionSource[]): Promise<void> {
    await this.insertRows(scope, session);
    for (const source of sources) {
      if (source.accountId !== scope.accountId || source.sessionId !== session.id) throw new Error('A source of another session cannot be written here');
    }
    if (sources.length) await this.db.tx.getRepository(ViewingSessionSource).insert(sources);
  }

  /** A live (not expired) session of the account, optionally locked until the transaction ends. */
  async findLive(scope: AccountScope, id: string, lock = false): Promise<ViewingSession | undefined> {
    const session = await this.findOne(scope, { id }, lock);
    return session && session.expiresAt.getTime() > Date.now() ? session : undefined;
  }

  /**
   * A live session by its id alone: for the viewer's calls, where the id (≥ 128 random bits) is
   * the credential. The row carries its own account, which everything after uses.
   */
  async findLiveById(id: string): Promise<ViewingSession | undefined> {
    const session = await this.unscoped().findOne(ViewingSession, { where: { id } });
    return session && session.expiresAt.getTime() > Date.now() ? session : undefined;
  }

  async sources(scope: AccountScope, sessionId: string): Promise<ViewingSessionSource[]> {
    return this.db.tx.getRepository(ViewingSessionSource).find({ where: { accountId: scope.accountId, sessionId }, order: { slot: 'ASC' } });
  }

  async source(scope: AccountScope, sessionId: string, slot: SourceFileSlot): Promise<ViewingSessionSource | undefined> {
    const found = await this.db.tx.getRepository(ViewingSessionSource).findOne({ where: { accountId: scope.accountId, sessionId, slot } });
    return found ?? undefined;
  }

  /** Records a slot's bytes; false when the slot already had them (the caller lost a race). */
  async receive(scope: AccountScope, sessionId: string, slot: SourceFileSlot, sourceType: ViewingSessionSource['sourceType'], received: ReceivedSource): Promise<boolean> {
    const rows = await this.sql(
      scope,
      `INSERT INTO "viewing"."viewing_session_sources"
         (account_id, session_id, slot, source_type, reference, object_key, size_bytes, sha256, content_type, name, rendition_id, owned, received_at)
       SELECT s.account_id, s.id, $3, $4, $7, $5, $6, $8, $9, $7, $10, true, now()
       FROM "viewing"."viewing_sessions" s WHERE s.account_id = $1 AND s.id = $2
       ON CONFLICT (session_id, slot) DO UPDATE SET
         object_key = EXCLUDED.object_key, size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256,
         content_type = EXCLUDED.content_type, rendition_id = EXCLUDED.rendition_id, received_at = EXCLUDED.received_at,
         reference = COALESCE("viewing"."viewing_session_sources".reference, EXCLUDED.reference),
         name = COALESCE("viewing"."viewing_session_sources".name, EXCLUDED.name)
       WHERE "viewing"."viewing_session_sources".received_at IS NULL
       RETURNING slot`,
      [sessionId, slot, sourceType, received.objectKey, received.sizeBytes, received.name, received.sha256, received.contentType, received.renditionId],
    );
    return rows.length === 1;
  }

  /** Deletes a session (its sources cascade); answers the keys of the objects it owned. */
  async delete(scope: AccountScope, id: string): Promise<string[] | undefined> {
    const owned = await this.sql<{ object_key: string | null }>(
      scope,
      `SELECT object_key FROM "viewing"."viewing_session_sources" WHERE account_id = $1 AND session_id = $2 AND owned`,
      [id],
    );
    // Through a CTE, so the driver answers rows (a bare DELETE … RETURNING answers [rows, count]).
    const deleted = await this.sql(scope, `WITH gone AS (DELETE FROM "viewing"."viewing_sessions" WHERE account_id = $1 AND id = $2 RETURNING id) SELECT id FROM gone`, [id]);
    if (!deleted.length) return undefined;
    return owned.map((row) => row.object_key).filter((key): key is string => !!key);
  }

  /**
   * Up to `limit` expired sessions of any account, locked (SKIP LOCKED: replicas share the work),
   * deleted in the caller's transaction. Cross-account on purpose: the sweeper works for all.
   */
  async deleteExpired(limit: number): Promise<{ sessions: number; objectKeys: string[] }> {
    const manager = this.unscoped();
    const expired = (await manager.query(
      `SELECT id FROM "viewing"."viewing_sessions" WHERE expires_at <= now()
       ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    )) as Array<{ id: string }>;
    if (!expired.length) return { sessions: 0, objectKeys: [] };
    const ids = expired.map((row) => row.id);
    const owned = (await manager.query(
      `SELECT object_key FROM "viewing"."viewing_session_sources" WHERE session_id = ANY($1::text[]) AND owned AND object_key IS NOT NULL`,
      [ids],
    )) as Array<{ object_key: string }>;
    await manager.query(`DELETE FROM "viewing"."viewing_sessions" WHERE id = ANY($1::text[])`, [ids]);
    return { sessions: ids.length, objectKeys: owned.map((row) => row.object_key).filter(Boolean) };
  }
}
