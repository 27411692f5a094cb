import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { Revision } from '@quire/contracts';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { Comparison } from './comparison.entity';
import { newTokenKey } from './continue-token';
import { DiffCarry, emptyCarry } from './word-diff';

/** One window's outcome, written in one transaction by the lease holder. */
export interface ComparisonCheckpoint {
  revisions: Revision[];
  carry: DiffCarry;
  nextOriginalPage: number;
  nextRevisedPage: number;
  originalPageCount: number;
  revisedPageCount: number;
  complete: boolean;
}

interface RevisionRow {
  type: Revision['type'];
  original_text: string;
  revised_text: string;
  original: Revision['original'];
  revised: Revision['revised'];
}

/** Comparisons and their revisions (one aggregate; the session's account scopes both). */
@Injectable()
export class ComparisonsRepository extends AccountScopedRepository<Comparison> {
  constructor(db: TransactionHost) {
    super(db as Db, Comparison);
  }

  find(scope: AccountScope, sessionId: string): Promise<Comparison | undefined> {
    return this.findOne(scope, { sessionId });
  }

  /** The session's comparison, made (running, nothing read) on first use. */
  async findOrCreate(scope: AccountScope, sessionId: string, renditions: { original: string; revised: string }): Promise<Comparison> {
    await this.sql(
      scope,
      `INSERT INTO "viewing"."comparisons" (account_id, session_id, original_rendition_id, revised_rendition_id, carry, token_key)
       SELECT s.account_id, s.id, $3, $4, $5::jsonb, $6 FROM "viewing"."viewing_sessions" s WHERE s.account_id = $1 AND s.id = $2
       ON CONFLICT (session_id) DO NOTHING`,
      [sessionId, renditions.original, renditions.revised, JSON.stringify(emptyCarry()), newTokenKey()],
    );
    const found = await this.find(scope, sessionId);
    if (!found) throw new Error('The comparison of a live session could not be made');
    return found;
  }

  /**
   * Takes (or renews) the lease of a running comparison: free, expired or already `owner`'s.
   * Answers the row when `owner` holds it now.
   */
  async claim(scope: AccountScope, sessionId: string, owner: string, leaseSeconds: number): Promise<Comparison | undefined> {
    const rows = await this.modify<{ session_id: string }>(
      scope,
      `UPDATE "viewing"."comparisons" SET lease_owner = $3, lease_until = now() + make_interval(secs => $4)
       WHERE account_id = $1 AND session_id = $2 AND state = 'running'
         AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $3)
       RETURNING session_id`,
      [sessionId, owner, leaseSeconds],
    );
    return rows.length ? this.find(scope, sessionId) : undefined;
  }

  /** Lets the lease go (shutdown): another replica may take it at once. */
  async release(scope: AccountScope, sessionId: string, owner: string): Promise<void> {
    await this.modify(scope, `UPDATE "viewing"."comparisons" SET lease_until = NULL WHERE account_id = $1 AND session_id = $2 AND lease_owner = $3 RETURNING session_id`, [sessionId, owner]);
  }

  /**
   * Records a window: the checkpoint and its revisions (numbered after those already stored), only
   * while `owner` holds the lease. False when it lost it (nothing written; the caller stops).
   */
  async checkpoint(scope: AccountScope, sessionId: string, owner: string, leaseSeconds: number, step: ComparisonCheckpoint): Promise<boolean> {
    const updated = await this.modify<{ first: number }>(
      scope,
      `UPDATE "viewing"."comparisons" SET
         carry = $4::jsonb, next_original_page = $5, next_revised_page = $6, original_page_count = $7, revised_page_count = $8,
         revision_count = revision_count + $9, lease_until = now() + make_interval(secs => $10),
         state = CASE WHEN $11::boolean THEN 'complete' ELSE state END,
         completed_at = CASE WHEN $11::boolean THEN now() ELSE completed_at END
       WHERE account_id = $1 AND session_id = $2 AND lease_owner = $3 AND state = 'running'
       RETURNING revision_count - $9 AS first`,
      [
        sessionId,
        owner,
        JSON.stringify(step.carry),
        step.nextOriginalPage,
        step.nextRevisedPage,
        step.originalPageCount,
        step.revisedPageCount,
        step.revisions.length,
        leaseSeconds,
        step.complete,
      ],
    );
    if (!updated.length) return false;
    const first = Number(updated[0]!.first);
    if (step.revisions.length) {
      const revisions = step.revisions;
      await this.sql(
        scope,
        `INSERT INTO "viewing"."comparison_revisions" (account_id, session_id, seq, type, original_text, revised_text, original, revised)
         SELECT c.account_id, c.session_id, v.seq, v.type, v.original_text, v.revised_text, v.original, v.revised
         FROM "viewing"."comparisons" c,
              unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[]) AS v(seq, type, original_text, revised_text, original, revised)
         WHERE c.account_id = $1 AND c.session_id = $2`,
        [
          sessionId,
          revisions.map((_, i) => first + i),
          revisions.map((revision) => revision.type),
          revisions.map((revision) => revision.originalText),
          revisions.map((revision) => revision.revisedText),
          revisions.map((revision) => json(revision.original)),
          revisions.map((revision) => json(revision.revised)),
        ],
      );
    }
    return true;
  }

  /** Ends a comparison that cannot go on (a rendition failed): its revisionData answers the error. */
  async fail(scope: AccountScope, sessionId: string, owner: string, error: { code: string; message: string }): Promise<void> {
    await this.modify(
      scope,
      `UPDATE "viewing"."comparisons" SET state = 'error', error_code = $4, error_message = $5, completed_at = now(), lease_until = NULL
       WHERE account_id = $1 AND session_id = $2 AND lease_owner = $3 AND state = 'running' RETURNING session_id`,
      [sessionId, owner, error.code, error.message.slice(0, 500)],
    );
  }

  /** Up to `limit` revisions from `fromSeq`, in document order. */
  async revisions(scope: AccountScope, sessionId: string, fromSeq: number, limit: number): Promise<Revision[]> {
    const rows = await this.sql<RevisionRow>(
      scope,
      `SELECT type, original_text, revised_text, original, revised FROM "viewing"."comparison_revisions"
       WHERE account_id = $1 AND session_id = $2 AND seq >= $3 ORDER BY seq LIMIT $4`,
      [sessionId, fromSeq, limit],
    );
    return rows.map((row) => ({ type: row.type, originalText: row.original_text, revisedText: row.revised_text, original: row.original, revised: row.revised }));
  }
}

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
