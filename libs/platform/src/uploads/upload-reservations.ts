import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { DomainError, ErrorCode } from '@quire/errors';
import { AccountScope, AccountScopedRepository } from '../database/account-scope';
import type { Db } from '../database/transactions';
import { ObjectStorage } from '../storage/object-storage';
import { UploadReservationAnswer, UploadReservationRow } from './upload-reservation.entity';

/** What a commit's work answers: the reply to record, and reserved keys it did not link (deleted after commit). */
export interface ReservationOutcome<T> {
  reply: T;
  unusedKeys?: string[];
}

/** A reservation as `commitOnce` hands it to the commit's work: open, unexpired, locked. */
export type OpenReservation = Pick<UploadReservationRow, 'id' | 'accountId' | 'purpose' | 'keys' | 'expiresAt'>;

/** The savepoint a commit's work runs under, so a rejection keeps the reservation row locked and updatable. */
const SAVEPOINT = 'upload_reservation_commit';

/**
 * Upload reservations of one service (DESIGN.md "Big payloads never cross NATS"): the keys the
 * gateway may write for an account, until when, and the first answer their commit gave, so a
 * retried commit gets that answer again and never a second row.
 */
@Injectable()
export class UploadReservations extends AccountScopedRepository<UploadReservationRow> {
  constructor(
    db: TransactionHost,
    private readonly storage: ObjectStorage,
  ) {
    super(db as Db, UploadReservationRow);
  }

  /** Records a reservation of `keys` for `purpose`, open for `ttlSeconds`. */
  async reserve(scope: AccountScope, purpose: string, keys: string[], ttlSeconds: number): Promise<OpenReservation> {
    if (!keys.length) throw new Error('A reservation needs at least one key');
    const row = Object.assign(new UploadReservationRow(), {
      id: randomUUID(),
      accountId: scope.accountId,
      purpose,
      keys,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
      state: 'open' as const,
      answer: null,
    });
    await this.insertRows(scope, row);
    return row;
  }

  /**
   * Runs a reservation's commit exactly once. In one transaction: locks the row (FOR UPDATE, so a
   * retry waits for the first attempt); a settled reservation answers its recorded reply or
   * rethrows its recorded error; an open one runs `work` under a SAVEPOINT and records its reply
   * (committed) or its DomainError (rejected: the work is rolled back to the savepoint, the row
   * state is kept). Storage unavailability and other failures are not recorded: the transaction
   * rolls back and the reservation stays open for a retry. After the transaction, the objects
   * of a rejected reservation and the keys the work left unused are deleted (quietly).
   *
   * It opens its own transaction (`work` runs inside it: repositories and `Outbox.record` join
   * it), so it must not be called inside another: a rejection would be rolled back with it.
   */
  async commitOnce<T>(scope: AccountScope, reservationId: string, purpose: string, work: (reservation: OpenReservation) => Promise<ReservationOutcome<T>>): Promise<T> {
    if (this.db.isTransactionActive()) throw new Error('commitOnce opens its own transaction; call it outside one');
    let leftovers: string[] = [];
    const answer = await this.db.withTransaction(async (): Promise<UploadReservationAnswer> => {
      const row = await this.findOne(scope, { id: reservationId }, true);
      if (!row || row.purpose !== purpose) {
        throw new DomainError(ErrorCode.BadRequest, 'Unknown upload reservation; upload again', { reason: 'unknown upload reservation' });
      }
      if (row.state !== 'open' && row.answer) return row.answer;
      let settled: UploadReservationAnswer;
      if (row.expiresAt.getTime() <= Date.now()) {
        settled = { error: expired().toRpc() };
        leftovers = row.keys;
      } else {
        settled = await this.runUnderSavepoint(row, work, (unused) => (leftovers = unused));
      }
      await this.rows().update({ id: row.id, accountId: scope.accountId }, { state: 'error' in settled ? 'rejected' : 'committed', answer: settled as never });
      return settled;
    });
    await this.storage.deleteQuietly(leftovers);
    if ('error' in answer) throw DomainError.fromRpc(answer.error);
    return answer.reply as T;
  }

  /**
   * Claims up to `limit` reservations that expired open (FOR UPDATE SKIP LOCKED, so replicas and a
   * commit in flight never race on one), hands their keys to `removeObjects` and deletes the rows
   * once that succeeded; settled rows older than `keepSettledSeconds` are deleted too. Answers
   * how many expired reservations were swept. Cross-account by nature: `unscoped()`.
   */
  async sweepExpired(limit: number, keepSettledSeconds: number, removeObjects: (keys: string[]) => Promise<void>): Promise<number> {
    return this.db.withTransaction(async () => {
      const manager = this.unscoped();
      const table = manager.connection.getMetadata(UploadReservationRow).tablePath;
      const rows: Array<{ id: string; keys: string[] }> = await manager.query(
        `SELECT "id", "keys" FROM ${quoted(table)} WHERE "state" = 'open' AND "expires_at" < now()
           ORDER BY "expires_at" LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length) {
        await removeObjects(rows.flatMap((row) => row.keys));
        await manager.query(`DELETE FROM ${quoted(table)} WHERE "id" = ANY($1::uuid[])`, [rows.map((row) => row.id)]);
      }
      await manager.query(
        `DELETE FROM ${quoted(table)} WHERE "id" IN (
           SELECT "id" FROM ${quoted(table)} WHERE "state" <> 'open' AND "expires_at" < now() - make_interval(secs => $1)
           LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [keepSettledSeconds, limit],
      );
      return rows.length;
    });
  }

  private async runUnderSavepoint<T>(
    row: UploadReservationRow,
    work: (reservation: OpenReservation) => Promise<ReservationOutcome<T>>,
    unused: (keys: string[]) => void,
  ): Promise<UploadReservationAnswer> {
    const manager = this.unscoped();
    await manager.query(`SAVEPOINT ${SAVEPOINT}`);
    try {
      const outcome = await work(row);
      await manager.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      unused(outcome.unusedKeys ?? []);
      return { reply: outcome.reply };
    } catch (error) {
      // Only a decision about these bytes is final; a failure of storage or the database is retried.
      if (!(error instanceof DomainError) || error.code === ErrorCode.ServiceUnavailable) throw error;
      await manager.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      unused(row.keys);
      return { error: error.toRpc() };
    }
  }
}

function expired(): DomainError {
  return new DomainError(ErrorCode.BadRequest, 'The upload reservation expired; upload again', { reason: 'upload reservation expired' });
}

/** `schema.table` → `"schema"."table"`. */
function quoted(tablePath: string): string {
  return tablePath
    .split('.')
    .map((part) => `"${part.replace(/"/g, '')}"`)
    .join('.');
}
