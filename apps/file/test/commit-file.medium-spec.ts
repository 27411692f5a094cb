import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { getDataSourceToken } from '@nestjs/typeorm';
import { TransactionHost } from '@nestjs-cls/transactional';
import { S3Client } from '@aws-sdk/client-s3';
import { CommitFileRequest, Principal, ReceivedFile, ServiceSchemas } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { Db, EventPublisher, ObjectStorage, Outbox, UploadReservationRow, uploadReservationProviders } from '@quire/platform';
import { createBucket, createMediumContext, listKeys, MediumContext, removeBucket, testS3Client, uniqueId } from '@quire/testing';
import { NatsConnection } from 'nats';
import { DataSource } from 'typeorm';
import { FileEnv } from '../src/file.env';
import { FileSettings } from '../src/file.settings';
import { FileShare } from '../src/files/file-share.entity';
import { StoredFile } from '../src/files/file.entity';
import { FilesRepository } from '../src/files/files.repository';
import { CommitFileUseCase } from '../src/files/commit-file.use-case';
import { ReserveFileUploadUseCase } from '../src/files/reserve-file-upload.use-case';
import { migrations } from '../src/migrations';
import { FileView } from '../src/views/file-view.entity';
import { AccountUsers } from '../src/files/account-users';
import { AccountUsersDirectory } from './support/account-users';

const SCHEMA = ServiceSchemas['file'];

/** An S3 server of this test's own (the shared one must not be stopped under other tests). */
async function startOwnS3(): Promise<{ process: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, [path.join(__dirname, '../../../scripts/s3-server.mjs'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`S3 server exited with ${code}`)));
  });
  return { process: child, endpoint: (JSON.parse(line) as { endpoint: string }).endpoint };
}

/** The outbox publishes to NATS; these tests are about the commit, so publishing goes nowhere. */
function quietOutbox(dataSource: DataSource, db: Db): Outbox {
  const publisher = { publish: () => undefined } as unknown as EventPublisher;
  const connection = { flush: async () => undefined } as unknown as NatsConnection;
  return new Outbox(dataSource, publisher, connection, SCHEMA, 3_600_000, db);
}

describe('CommitFileUseCase (medium: real Postgres, real S3)', () => {
  const principal: Principal = { userId: randomUUID(), accountId: randomUUID(), roles: ['admin'], scopes: [], loginName: 'medium' };
  const directory = new AccountUsersDirectory();
  const colleague = directory.add({ userId: randomUUID(), accountId: principal.accountId, roles: ['user'], scopes: [] });
  const stranger = directory.add({ userId: randomUUID(), accountId: randomUUID(), roles: ['user'], scopes: [] });
  directory.add(principal);
  let context: MediumContext;
  let storage: ObjectStorage;
  let bucket: string;

  async function open(client: S3Client): Promise<void> {
    storage = new ObjectStorage(client, bucket);
    context = await createMediumContext({
      database: { schema: SCHEMA, entities: [StoredFile, FileShare, FileView, UploadReservationRow], migrations },
      env: new FileEnv(),
      envClass: FileEnv,
      providers: [
        { provide: ObjectStorage, useValue: storage },
        FileSettings,
        FilesRepository,
        ReserveFileUploadUseCase,
        CommitFileUseCase,
        { provide: AccountUsers, useValue: directory },
        { provide: Outbox, inject: [getDataSourceToken(), TransactionHost], useFactory: quietOutbox },
        ...uploadReservationProviders(FileEnv, () => ({ sweepIntervalMs: 60_000, keepSettledSeconds: 60 })),
      ],
    });
  }

  async function uploaded(content: string, fileName = 'notes.txt'): Promise<{ command: CommitFileRequest; key: string }> {
    const reservation = await context.get(ReserveFileUploadUseCase).execute(principal);
    const key = reservation.parts[0]!.key;
    await storage.put(key, content);
    const file: ReceivedFile = {
      field: 'file',
      key,
      size: Buffer.byteLength(content),
      sha256: createHash('sha256').update(content).digest('hex'),
      fileName,
      declaredContentType: 'text/plain',
      detectedContentType: fileName.endsWith('.pdf') ? 'application/pdf' : 'text/plain',
    };
    return { command: { reservationId: reservation.reservationId, files: [file], category: 'user_document' }, key };
  }

  const rowCount = async (): Promise<number> =>
    (await context.dataSource.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."files" WHERE account_id = $1`, [principal.accountId]))[0].n;

  describe('on the shared S3', () => {
    let s3: S3Client;
    beforeAll(async () => {
      s3 = testS3Client();
      bucket = `commit-file-${uniqueId()}`.toLowerCase();
      await createBucket(s3, bucket);
      await open(s3);
    });
    afterAll(async () => {
      await context?.close();
      await removeBucket(s3, bucket).catch(() => undefined);
    });

    it('records the file where the gateway wrote it (no copy); a retried commit answers the same file, one row', async () => {
      const { command, key } = await uploaded('hello');
      const first = await context.get(CommitFileUseCase).execute(principal, command);
      const again = await context.get(CommitFileUseCase).execute(principal, command);
      expect(again).toEqual(first);
      expect(await rowCount()).toBe(1);
      expect(await listKeys(s3, bucket, `files/${principal.accountId}/`)).toEqual([key]);
    });

    it('a rejected commit (over the category limit) is rejected again on retry and its object is gone', async () => {
      const settings = context.get(FileSettings);
      const limits = settings.maxBytes as Record<string, number>;
      const { command, key } = await uploaded('x'.repeat(16));
      const before = await rowCount();
      limits['user_document'] = 8;
      try {
        const first = await context.get(CommitFileUseCase).execute(principal, command).catch((error: unknown) => error);
        const second = await context.get(CommitFileUseCase).execute(principal, command).catch((error: unknown) => error);
        expect((first as DomainError).code).toBe(ErrorCode.PayloadTooLarge);
        expect((second as DomainError).code).toBe(ErrorCode.PayloadTooLarge);
        expect(await rowCount()).toBe(before);
        expect(await listKeys(s3, bucket, key)).toEqual([]);
      } finally {
        limits['user_document'] = new FileEnv().FILE_MAX_BYTES_USER_DOCUMENT;
      }
    });

    it("refuses a user target that is not a user of the account (another account's included), deleting what was staged", async () => {
      const before = await rowCount();
      for (const targetId of [stranger.userId, randomUUID()]) {
        const { command, key } = await uploaded('for someone else');
        const error = await context.get(CommitFileUseCase).execute(principal, { ...command, targetId, targetType: 'user' }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: ErrorCode.ValidationFailed, details: { fields: { 'meta.target.id': ['unknown user'] } } });
        expect(await listKeys(s3, bucket, key)).toEqual([]);
      }
      expect(await rowCount()).toBe(before);
      const { command } = await uploaded('for a colleague');
      const reply = await context.get(CommitFileUseCase).execute(principal, { ...command, targetId: colleague.userId, targetType: 'user' });
      expect(reply).toMatchObject({ meta: { target: { id: colleague.userId, type: 'user' } } });
    });
  });

  describe('with S3 stopped mid-request', () => {
    let ownS3: ChildProcess | undefined;
    let client: S3Client;
    beforeAll(async () => {
      const started = await startOwnS3();
      ownS3 = started.process;
      client = new S3Client({
        endpoint: started.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      bucket = `commit-file-down-${uniqueId()}`.toLowerCase();
      await createBucket(client, bucket);
      await open(client);
    });
    afterAll(async () => {
      ownS3?.kill('SIGKILL');
      client?.destroy();
      await context?.close();
    });

    it('answers SERVICE_UNAVAILABLE (the family 503), never an internal error; records nothing, keeps the reservation open', async () => {
      const { command } = await uploaded('%PDF-1.4 written before S3 stopped', 'report.pdf');
      const exited = new Promise((resolve) => ownS3!.once('exit', resolve));
      ownS3!.kill('SIGKILL');
      await exited;
      const error = await context.get(CommitFileUseCase).execute(principal, command).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe(ErrorCode.ServiceUnavailable);
      expect(await rowCount()).toBe(0);
      const [row] = await context.dataSource.query(`SELECT state FROM "${SCHEMA}"."upload_reservations" WHERE id = $1`, [command.reservationId]);
      expect(row.state).toBe('open');
    });
  });
});
