import { createHash, randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { editSessionScope } from '@quire/auth';
import { CreateTemplateRequest, Principal, ReceivedFile, ServiceSchemas } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage, uploadReservationProviders } from '@quire/platform';
import { buildDocx, createBucket, createMediumContext, listKeys, MediumContext, removeBucket, testS3Client, TEST_JWT_SECRET, uniqueId } from '@quire/testing';
import { EditSessionEnv } from '../src/edit-session.env';
import { editSessionEntities } from '../src/edit-session.module';
import { migrations } from '../src/migrations';
import { ReceivedFiles } from '../src/storage/received-files';
import { CommitTemplateUploadUseCase } from '../src/templates/commit-template-upload.use-case';
import { ReserveTemplateUploadUseCase } from '../src/templates/reserve-template-upload.use-case';
import { TemplatesRepository } from '../src/templates/templates.repository';

const SCHEMA = ServiceSchemas['edit-session'];

describe('template upload: ReserveTemplateUpload + CommitTemplateUpload (medium: real Postgres, real S3)', () => {
  const principal: Principal = { userId: randomUUID(), accountId: randomUUID(), roles: ['user'], scopes: [], displayName: 'Medium' };
  const env = Object.assign(new EditSessionEnv(), { JWT_SECRET: TEST_JWT_SECRET });
  const s3: S3Client = testS3Client();
  const bucket = `template-upload-${uniqueId()}`.toLowerCase();
  let context: MediumContext;
  let storage: ObjectStorage;

  beforeAll(async () => {
    await createBucket(s3, bucket);
    storage = new ObjectStorage(s3, bucket);
    context = await createMediumContext({
      database: { schema: SCHEMA, entities: editSessionEntities, migrations },
      env,
      envClass: EditSessionEnv,
      providers: [
        { provide: ObjectStorage, useValue: storage },
        TemplatesRepository,
        ReceivedFiles,
        ReserveTemplateUploadUseCase,
        CommitTemplateUploadUseCase,
        ...uploadReservationProviders(EditSessionEnv, () => ({ sweepIntervalMs: 60_000, keepSettledSeconds: 60 })),
      ],
    });
  });
  afterAll(async () => {
    await context?.close();
    await removeBucket(s3, bucket).catch(() => undefined);
  });

  /** What the gateway does: a reservation, the bytes written to its key, the commit it would send. */
  async function uploaded(bytes: Buffer, name = 'Radiology'): Promise<{ command: CreateTemplateRequest; key: string }> {
    const reservation = await context.get(ReserveTemplateUploadUseCase).execute(principal);
    const key = reservation.parts[0]!.key;
    await storage.put(key, bytes);
    const file: ReceivedFile = {
      field: 'file',
      key,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      fileName: 'template.docx',
      declaredContentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      detectedContentType: 'application/zip',
    };
    return { command: { reservationId: reservation.reservationId, files: [file], name }, key };
  }

  const rowCount = async (): Promise<number> =>
    (await context.dataSource.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."report_templates" WHERE account_id = $1`, [principal.accountId]))[0].n;
  const templateKeys = (): Promise<string[]> => listKeys(s3, bucket, `edit-session/${principal.accountId}/templates/`);

  it("reserves one key under the account's templates prefix with the .docx limit; refuses the agent's edit-session token", async () => {
    const reservation = await context.get(ReserveTemplateUploadUseCase).execute(principal);
    expect(reservation.parts).toEqual([{ field: 'file', key: expect.stringMatching(new RegExp(`^edit-session/${principal.accountId}/templates/[0-9a-f-]{36}\\.docx$`)), maxBytes: 50 * 1024 * 1024 }]);
    const agent: Principal = { ...principal, scopes: [editSessionScope('1', randomUUID())] };
    await expect(context.get(ReserveTemplateUploadUseCase).execute(agent)).rejects.toMatchObject({ code: ErrorCode.Forbidden });
  });

  it('records the template where the gateway wrote it (no copy); a retried commit answers the same template, one row', async () => {
    const before = await rowCount();
    const docx = buildDocx('a template');
    const { command, key } = await uploaded(docx);
    const first = await context.get(CommitTemplateUploadUseCase).execute(principal, command);
    const again = await context.get(CommitTemplateUploadUseCase).execute(principal, command);
    expect(again).toEqual(first);
    expect(first).toMatchObject({ name: 'Radiology', word_s3_filepath: `s3://${bucket}/${key}`, size: docx.length });
    expect(await rowCount()).toBe(before + 1);
    expect(await templateKeys()).toContain(key);
    expect((await storage.getBuffer(key))?.equals(docx)).toBe(true);
  });

  it('a rejected commit (not a Word document) is rejected again on retry, records nothing and its object is gone', async () => {
    const before = await rowCount();
    const notDocx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 1)]);
    const { command, key } = await uploaded(notDocx);
    const first = await context.get(CommitTemplateUploadUseCase).execute(principal, command).catch((error: unknown) => error);
    const second = await context.get(CommitTemplateUploadUseCase).execute(principal, command).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(DomainError);
    expect((first as DomainError).code).toBe(ErrorCode.InvalidFileType);
    // Named by the template route's own field, not the agent's word_file.
    expect((first as DomainError).message).toBe('file must be a Word document (.docx)');
    expect(JSON.stringify((first as DomainError).details)).not.toContain('word_file');
    expect((second as DomainError).code).toBe((first as DomainError).code);
    expect(await rowCount()).toBe(before);
    expect(await listKeys(s3, bucket, key)).toEqual([]);
  });

  it('refuses a file at a key the reservation did not hand out, and records nothing', async () => {
    const before = await rowCount();
    const { command } = await uploaded(buildDocx('elsewhere'));
    const strayKey = `edit-session/${principal.accountId}/templates/${randomUUID()}.docx`;
    const stray = { ...command, files: [{ ...command.files[0]!, key: strayKey }] };
    await expect(context.get(CommitTemplateUploadUseCase).execute(principal, stray)).rejects.toMatchObject({ code: ErrorCode.BadRequest });
    expect(await rowCount()).toBe(before);
  });
});
