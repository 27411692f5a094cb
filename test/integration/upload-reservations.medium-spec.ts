import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { S3Client } from '@aws-sdk/client-s3';
import { TransactionHost } from '@nestjs-cls/transactional';
import { DomainError, ErrorCode } from '@quire/errors';
import {
  AccountScope,
  AccountScopedRepository,
  Db,
  ObjectStorage,
  outboxMigration,
  ServiceEnv,
  UploadReservationRow,
  UploadReservations,
  UploadReservationSweeper,
  uploadReservationProviders,
  uploadReservationsMigration,
} from '@quire/platform';
import { createBucket, createMediumContext, listKeys, MediumContext, removeBucket, testS3Client, uniqueId } from '@quire/testing';
import { Column, Entity, MigrationInterface, PrimaryColumn, QueryRunner } from 'typeorm';

const SCHEMA = 'medium_reserve';

@Entity({ name: 'things' })
class Thing {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
  @Column('text', { name: 'object_key' }) objectKey: string;
}

class CreateThings1700000000020 implements MigrationInterface {
  readonly name = 'CreateThings1700000000020';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "${SCHEMA}"."things" (id uuid PRIMARY KEY, account_id uuid NOT NULL, object_key text NOT NULL UNIQUE)`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "${SCHEMA}"."things"`);
  }
}

@Injectable()
class Things extends AccountScopedRepository<Thing> {
  constructor(db: TransactionHost) {
    super(db as Db, Thing);
  }
  add(scope: AccountScope, objectKey: string): Promise<void> {
    return this.insertRows(scope, Object.assign(new Thing(), { id: randomUUID(), accountId: scope.accountId, objectKey }));
  }
  async count(scope: AccountScope): Promise<number> {
    return this.rows().count({ where: this.scoped(scope) });
  }
}

describe('UploadReservations (medium: real Postgres, real S3)', () => {
  let context: MediumContext;
  let s3: S3Client;
  let bucket: string;
  let storage: ObjectStorage;
  let reservations: UploadReservations;
  let things: Things;
  const scope: AccountScope = { accountId: randomUUID() };

  beforeAll(async () => {
    s3 = testS3Client();
    bucket = `reserve-${uniqueId()}`.toLowerCase();
    await createBucket(s3, bucket);
    storage = new ObjectStorage(s3, bucket);
    context = await createMediumContext({
      database: {
        schema: SCHEMA,
        entities: [UploadReservationRow, Thing],
        migrations: [outboxMigration(SCHEMA, 1700000000001), uploadReservationsMigration(SCHEMA, 1700000000010), CreateThings1700000000020],
      },
      env: new ServiceEnv(),
      providers: [{ provide: ObjectStorage, useValue: storage }, Things, ...uploadReservationProviders(ServiceEnv, () => ({ sweepIntervalMs: 60_000, keepSettledSeconds: 0 }))],
    });
    reservations = context.get(UploadReservations);
    things = context.get(Things);
  });

  afterAll(async () => {
    await context?.close();
    await removeBucket(s3, bucket).catch(() => undefined);
  });

  const newKey = () => `medium/${scope.accountId}/${randomUUID()}`;

  it('a commit retried after a timeout gets the first answer and leaves one row', async () => {
    const key = newKey();
    await storage.put(key, 'bytes');
    const reservation = await reservations.reserve(scope, 'thing', [key], 60);
    let runs = 0;
    const commit = () =>
      reservations.commitOnce(scope, reservation.id, 'thing', async () => {
        runs++;
        await things.add(scope, key);
        return { reply: { key, attempt: runs } };
      });
    // The first attempt and its retry overlap, as after a gateway timeout: the row lock lines them up.
    const [first, second] = await Promise.all([commit(), commit()]);
    const third = await commit();
    expect(runs).toBe(1);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(await things.count(scope)).toBe(1);
    expect(await listKeys(s3, bucket, key)).toEqual([key]);
  });

  it('a rejected commit rethrows the same error on retry, keeps no row and deletes the objects', async () => {
    const key = newKey();
    await storage.put(key, 'not a pdf');
    const reservation = await reservations.reserve(scope, 'thing', [key], 60);
    let runs = 0;
    const commit = () =>
      reservations.commitOnce(scope, reservation.id, 'thing', async () => {
        runs++;
        await things.add(scope, key); // rolled back to the savepoint
        throw new DomainError(ErrorCode.InvalidFileType, 'must be a PDF', { field: 'file' });
      });
    const before = await things.count(scope);
    const first = await commit().catch((error: unknown) => error);
    const second = await commit().catch((error: unknown) => error);
    expect(first).toBeInstanceOf(DomainError);
    expect((second as DomainError).code).toBe(ErrorCode.InvalidFileType);
    expect((second as DomainError).message).toBe((first as DomainError).message);
    expect((second as DomainError).details).toEqual({ field: 'file' });
    expect(runs).toBe(1);
    expect(await things.count(scope)).toBe(before);
    expect(await listKeys(s3, bucket, key)).toEqual([]);
    const [row] = await context.dataSource.query(`SELECT state FROM "${SCHEMA}"."upload_reservations" WHERE id = $1`, [reservation.id]);
    expect(row.state).toBe('rejected');
  });

  it('a failure that is not a decision (storage down) is not recorded: the retry runs the work again', async () => {
    const key = newKey();
    const reservation = await reservations.reserve(scope, 'thing', [key], 60);
    let runs = 0;
    const commit = () =>
      reservations.commitOnce(scope, reservation.id, 'thing', async () => {
        runs++;
        if (runs === 1) throw new DomainError(ErrorCode.ServiceUnavailable, 'File storage is unavailable, try again');
        return { reply: 'ok' };
      });
    await expect(commit()).rejects.toMatchObject({ code: ErrorCode.ServiceUnavailable });
    await expect(commit()).resolves.toBe('ok');
    expect(runs).toBe(2);
  });

  it('refuses a reservation of another account or purpose, and an expired one', async () => {
    const key = newKey();
    const reservation = await reservations.reserve(scope, 'thing', [key], 60);
    const work = async () => ({ reply: 'never' });
    await expect(reservations.commitOnce({ accountId: randomUUID() }, reservation.id, 'thing', work)).rejects.toMatchObject({ code: ErrorCode.BadRequest });
    await expect(reservations.commitOnce(scope, reservation.id, 'other', work)).rejects.toMatchObject({ code: ErrorCode.BadRequest });
    const lapsed = await reservations.reserve(scope, 'thing', [newKey()], -1);
    await expect(reservations.commitOnce(scope, lapsed.id, 'thing', work)).rejects.toMatchObject({ details: { reason: 'upload reservation expired' } });
  });

  it('a reservation abandoned midway leaves no object once it expires and is swept', async () => {
    const written = newKey();
    const neverWritten = newKey();
    await storage.put(written, 'half of an upload');
    const abandoned = await reservations.reserve(scope, 'thing', [written, neverWritten], -1);
    const live = newKey();
    await storage.put(live, 'still uploading');
    const open = await reservations.reserve(scope, 'thing', [live], 60);

    const swept = await context.get(UploadReservationSweeper).sweep();

    expect(swept).toBeGreaterThanOrEqual(1);
    expect(await listKeys(s3, bucket, written)).toEqual([]);
    expect(await listKeys(s3, bucket, live)).toEqual([live]);
    const ids: Array<{ id: string }> = await context.dataSource.query(`SELECT id FROM "${SCHEMA}"."upload_reservations" WHERE id = ANY($1::uuid[])`, [
      [abandoned.id, open.id],
    ]);
    expect(ids.map((row) => row.id)).toEqual([open.id]);
  });
});
