import { createHash, randomUUID } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { FileCategory, FileReply, FileTargetType, Principal, ReceivedFile, ServiceSchemas } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage, UploadReservationRow, uploadReservationProviders } from '@quire/platform';
import { buildZipOf, createBucket, createMediumContext, listKeys, MediumContext, mediumOutbox, removeBucket, testS3Client, uniqueId } from '@quire/testing';
import { FileEnv } from '../src/file.env';
import { FileSettings } from '../src/file.settings';
import { CommitFileUseCase } from '../src/files/commit-file.use-case';
import { DeleteFileUseCase } from '../src/files/delete-file.use-case';
import { FileShare } from '../src/files/file-share.entity';
import { StoredFile } from '../src/files/file.entity';
import { FilesRepository } from '../src/files/files.repository';
import { FilesService } from '../src/files/files.service';
import { RenameFileUseCase } from '../src/files/rename-file.use-case';
import { ReserveFileUploadUseCase } from '../src/files/reserve-file-upload.use-case';
import { ShareFileUseCase } from '../src/files/share-file.use-case';
import { migrations } from '../src/migrations';
import { FileView } from '../src/views/file-view.entity';
import { AccountUsers } from '../src/files/account-users';
import { AccountUsersDirectory } from './support/account-users';
import { VariantRenderer } from '../src/views/variant-renderer';
import { ViewLinkSigner } from '../src/views/view-link';
import { ViewsService } from '../src/views/views.service';

const SCHEMA = ServiceSchemas['file'];

/** Small category limits, so that the limit cases need no large objects. */
const LIMITS: Record<FileCategory, number> = { user_avatar: 300, user_consent: 400, intake_attachment: 500, user_document: 64 * 1024 };

const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const text = Buffer.from('Blood pressure 120/80 — ok\n');
const docx = buildZipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
const xlsx = buildZipOf({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' });
const brokenZip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]);
const exe = Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]);

/** A PNG whose header claims `width` × `height` pixels but holds almost no data. */
function pixelBombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([png.subarray(0, 8), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(1024))), chunk('IEND', Buffer.alloc(0))]);
}

interface Upload {
  name: string;
  bytes: Buffer;
  /** What the gateway's magic-byte detection reports (detectFileTypeOrText). */
  detected: string | undefined;
  category?: FileCategory;
  targetId?: string;
  targetType?: FileTargetType;
}

/**
 * The file service's rules for an upload's commit, and for reading and changing files, on its
 * real repositories (the edge cases test/e2e/file-upload.e2e-spec.ts no longer repeats).
 */
describe('file rules (medium: real Postgres, real S3)', () => {
  const s3: S3Client = testS3Client();
  const bucket = `file-rules-${uniqueId()}`.toLowerCase();
  const env = Object.assign(new FileEnv(), {
    FILE_MAX_BYTES_USER_AVATAR: LIMITS.user_avatar,
    FILE_MAX_BYTES_USER_CONSENT: LIMITS.user_consent,
    FILE_MAX_BYTES_INTAKE_ATTACHMENT: LIMITS.intake_attachment,
    FILE_MAX_BYTES_USER_DOCUMENT: LIMITS.user_document,
  });
  let context: MediumContext;
  let storage: ObjectStorage;
  // Every user made here is a user of its account in identity's directory.
  const directory = new AccountUsersDirectory();
  const user = (accountId: string = randomUUID(), roles: string[] = ['user']): Principal =>
    directory.add({
      accountId,
      userId: randomUUID(),
      roles,
      scopes: [],
      loginName: `${roles.join('+')}@clinic.test`,
      displayName: 'Medium User',
    });

  beforeAll(async () => {
    await createBucket(s3, bucket);
    storage = new ObjectStorage(s3, bucket);
    context = await createMediumContext({
      database: { schema: SCHEMA, entities: [StoredFile, FileShare, FileView, UploadReservationRow], migrations },
      env,
      envClass: FileEnv,
      providers: [
        { provide: ObjectStorage, useValue: storage },
        mediumOutbox(SCHEMA),
        FileSettings,
        FilesRepository,
        ReserveFileUploadUseCase,
        CommitFileUseCase,
        { provide: AccountUsers, useValue: directory },
        RenameFileUseCase,
        DeleteFileUseCase,
        ShareFileUseCase,
        FilesService,
        VariantRenderer,
        ViewsService,
        ...uploadReservationProviders(FileEnv, () => ({ sweepIntervalMs: 60_000, keepSettledSeconds: 60 })),
      ],
    });
  });
  afterAll(async () => {
    await context?.close();
    await removeBucket(s3, bucket).catch(() => undefined);
  });

  const files = () => context.get(FilesService);

  /** What the gateway does: a reservation, the bytes at its key, then the commit it sends. */
  async function commit(principal: Principal, upload: Upload): Promise<{ reply?: FileReply; error?: DomainError; key: string }> {
    const reservation = await context.get(ReserveFileUploadUseCase).execute(principal);
    const key = reservation.parts[0]!.key;
    await storage.put(key, upload.bytes);
    const file: ReceivedFile = {
      field: 'file',
      key,
      size: upload.bytes.length,
      sha256: createHash('sha256').update(upload.bytes).digest('hex'),
      fileName: upload.name,
      declaredContentType: 'application/octet-stream',
      detectedContentType: upload.detected,
    };
    const request = {
      reservationId: reservation.reservationId,
      files: [file],
      category: upload.category ?? 'user_document',
      targetId: upload.targetId,
      targetType: upload.targetType,
    };
    try {
      return { reply: await context.get(CommitFileUseCase).execute(principal, request), key };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { error, key };
    }
  }

  async function uploaded(principal: Principal, upload: Partial<Upload> = {}): Promise<FileReply> {
    const { reply, error } = await commit(principal, { name: 'scan.pdf', bytes: pdf, detected: 'application/pdf', ...upload });
    if (error) throw error;
    return reply!;
  }

  const rowsOf = async (accountId: string): Promise<number> =>
    (await context.dataSource.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."files" WHERE account_id = $1`, [accountId]))[0].n;

  describe('the commit checks the type from the name and the detected bytes', () => {
    it.each<[string, Upload]>([
      ['a PNG named .pdf', { name: 'report.pdf', bytes: png, detected: 'image/png' }],
      ['text named .jpg', { name: 'photo.jpg', bytes: Buffer.from('just some text\n'), detected: 'text/plain' }],
      ['a JPEG named .png', { name: 'photo.png', bytes: jpeg, detected: 'image/jpeg' }],
      ['a PDF named .txt', { name: 'notes.txt', bytes: pdf, detected: 'application/pdf' }],
      ['an executable (no known type)', { name: 'tool.exe', bytes: exe, detected: undefined }],
      ['a .zip (a type that is not accepted)', { name: 'archive.zip', bytes: docx, detected: 'application/zip' }],
      ['a name without an extension', { name: 'README', bytes: text, detected: 'text/plain' }],
      ['a workbook named .docx (OOXML is checked inside the ZIP)', { name: 'sheet.docx', bytes: xlsx, detected: 'application/zip' }],
      ['a Word document named .xlsx', { name: 'letter.xlsx', bytes: docx, detected: 'application/zip' }],
      ['a broken archive named .docx', { name: 'letter.docx', bytes: brokenZip, detected: 'application/zip' }],
      ['a PDF named .docx', { name: 'letter.docx', bytes: pdf, detected: 'application/pdf' }],
    ])('refuses %s as INVALID_FILE_TYPE, records nothing and deletes the object', async (_case, upload) => {
      const principal = user();
      const { error, key } = await commit(principal, upload);
      expect(error?.code).toBe(ErrorCode.InvalidFileType);
      expect(await rowsOf(principal.accountId)).toBe(0);
      expect(await listKeys(s3, bucket, key)).toEqual([]);
    });

    it.each<[string, Upload, { name: string; ext: string; contentType: string }]>([
      ['text', { name: 'notes.txt', bytes: text, detected: 'text/plain' }, { name: 'notes.txt', ext: 'txt', contentType: 'text/plain; charset=utf-8' }],
      ['a PDF', { name: 'scan.pdf', bytes: pdf, detected: 'application/pdf' }, { name: 'scan.pdf', ext: 'pdf', contentType: 'application/pdf' }],
      ['a Word document', { name: 'letter.docx', bytes: docx, detected: 'application/zip' }, { name: 'letter.docx', ext: 'docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }],
      ['a workbook', { name: 'sheet.xlsx', bytes: xlsx, detected: 'application/zip' }, { name: 'sheet.xlsx', ext: 'xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }],
      ['a PNG', { name: 'x.png', bytes: png, detected: 'image/png' }, { name: 'x.png', ext: 'png', contentType: 'image/png' }],
      ['an upper-case extension', { name: 'PHOTO.JPG', bytes: jpeg, detected: 'image/jpeg' }, { name: 'PHOTO.JPG', ext: 'jpg', contentType: 'image/jpeg' }],
      ['a name with a client path', { name: 'C:\\Users\\me\\scan.pdf', bytes: pdf, detected: 'application/pdf' }, { name: 'scan.pdf', ext: 'pdf', contentType: 'application/pdf' }],
      ['a name with control characters', { name: 'sc\u0007an.pdf', bytes: pdf, detected: 'application/pdf' }, { name: 'scan.pdf', ext: 'pdf', contentType: 'application/pdf' }],
    ])('accepts %s, stored with its extension and served type', async (_case, upload, expected) => {
      const principal = user();
      const { reply, error } = await commit(principal, upload);
      expect(error).toBeUndefined();
      expect(reply).toMatchObject({ name: expected.name, ext: expected.ext, size: upload.bytes.length });
      const [row] = await context.dataSource.query(`SELECT content_type FROM "${SCHEMA}"."files" WHERE id = $1`, [reply!.id]);
      expect(row.content_type).toBe(expected.contentType);
    });

    it('refuses a file without a name as VALIDATION_FAILED', async () => {
      const { error } = await commit(user(), { name: '/', bytes: pdf, detected: 'application/pdf' });
      expect(error?.code).toBe(ErrorCode.ValidationFailed);
    });
  });

  describe("each category's size limit", () => {
    const targetOf = (category: FileCategory): Partial<Upload> => (category === 'intake_attachment' ? { targetId: 'visit-1', targetType: 'visit' } : {});
    const paddedPdf = (size: number) => Buffer.concat([pdf, Buffer.alloc(size - pdf.length, 0x20)]);

    it.each(Object.keys(LIMITS) as FileCategory[])('%s: accepts exactly its limit, refuses one byte more as PAYLOAD_TOO_LARGE naming it', async (category) => {
      const principal = user();
      const atLimit = await commit(principal, { name: 'a.pdf', bytes: paddedPdf(LIMITS[category]), detected: 'application/pdf', category, ...targetOf(category) });
      expect(atLimit.error).toBeUndefined();
      const over = await commit(principal, { name: 'b.pdf', bytes: paddedPdf(LIMITS[category] + 1), detected: 'application/pdf', category, ...targetOf(category) });
      expect(over.error).toMatchObject({ code: ErrorCode.PayloadTooLarge, details: { maxBytes: LIMITS[category] } });
      expect(await rowsOf(principal.accountId)).toBe(1);
      expect(await listKeys(s3, bucket, over.key)).toEqual([]);
    });

    it('the reservation offers the largest limit for the stream and each category its own', async () => {
      const reservation = await context.get(ReserveFileUploadUseCase).execute(user());
      expect(reservation.parts).toEqual([{ field: 'file', key: expect.any(String), maxBytes: LIMITS.user_document }]);
      expect(reservation.maxBytesByCategory).toEqual(LIMITS);
    });
  });

  describe("the upload's target", () => {
    type Who = 'user' | 'provider' | 'admin';
    type Target = 'none' | 'self' | 'colleague' | { id: string; type: FileTargetType } | { id: string } | { type: FileTargetType };
    const cases: Array<[string, Who, FileCategory, Target, ErrorCode | 'ok']> = [
      ['a user files to their own profile by default', 'user', 'user_document', 'none', 'ok'],
      ['a user names their own profile', 'user', 'user_document', 'self', 'ok'],
      ["a user files to another user's profile", 'user', 'user_document', 'colleague', ErrorCode.Forbidden],
      ["a user sets another user's avatar", 'user', 'user_avatar', 'colleague', ErrorCode.Forbidden],
      ["a user files a consent to another user's profile", 'user', 'user_consent', 'colleague', ErrorCode.Forbidden],
      ["a provider files to another user's profile", 'provider', 'user_document', 'colleague', 'ok'],
      ["an admin files to another user's profile", 'admin', 'user_document', 'colleague', 'ok'],
      ['an intake attachment on a visit', 'user', 'intake_attachment', { id: 'v-1', type: 'visit' }, 'ok'],
      ['an intake attachment on an intake', 'user', 'intake_attachment', { id: 'intake-77', type: 'intake' }, 'ok'],
      ['an intake attachment without a target (a user is the wrong type)', 'user', 'intake_attachment', 'none', ErrorCode.ValidationFailed],
      ['an intake attachment on a user', 'admin', 'intake_attachment', 'colleague', ErrorCode.ValidationFailed],
      ['a user document on a visit', 'user', 'user_document', { id: 'v-1', type: 'visit' }, ErrorCode.ValidationFailed],
      ['an avatar on an intake', 'admin', 'user_avatar', { id: 'i-1', type: 'intake' }, ErrorCode.ValidationFailed],
      ['a target id without its type', 'user', 'user_document', { id: 'v-1' }, ErrorCode.ValidationFailed],
      ['a target type without its id', 'user', 'intake_attachment', { type: 'visit' }, ErrorCode.ValidationFailed],
    ];

    it.each(cases)('%s', async (_case, who, category, target, expected) => {
      const principal = user(randomUUID(), who === 'user' ? ['user'] : ['user', who]);
      const colleague = user(principal.accountId);
      const named =
        target === 'none'
          ? {}
          : target === 'self'
            ? { targetId: principal.userId, targetType: 'user' as const }
            : target === 'colleague'
              ? { targetId: colleague.userId, targetType: 'user' as const }
              : { targetId: 'id' in target ? target.id : undefined, targetType: 'type' in target ? target.type : undefined };
      const { reply, error } = await commit(principal, { name: 'a.pdf', bytes: pdf, detected: 'application/pdf', category, ...named });
      if (expected === 'ok') {
        expect(error).toBeUndefined();
        const recorded = named.targetId ? { id: named.targetId, type: named.targetType } : { id: principal.userId, type: 'user' };
        expect(reply!.meta).toMatchObject({ category, target: recorded });
        expect(reply!.is_deletable).toBe(category !== 'intake_attachment');
      } else {
        expect(error?.code).toBe(expected);
        expect(await rowsOf(principal.accountId)).toBe(0);
      }
    });

    it('records the creator from the principal', async () => {
      const principal = { ...user(), email: 'olive@clinic.test', loginName: 'owner@clinic.test', displayName: 'Olive Owner' };
      expect((await uploaded(principal)).creator).toEqual({ id: principal.userId, username: 'owner@clinic.test', email: 'olive@clinic.test', full_name: 'Olive Owner' });
    });

    it("refuses a commit naming another account's reservation, or a key it did not hand out", async () => {
      const owner = user();
      const reservation = await context.get(ReserveFileUploadUseCase).execute(owner);
      const key = reservation.parts[0]!.key;
      await storage.put(key, pdf);
      const file: ReceivedFile = { field: 'file', key, size: pdf.length, sha256: 'a'.repeat(64), fileName: 'a.pdf', declaredContentType: 'application/pdf', detectedContentType: 'application/pdf' };
      const request = { reservationId: reservation.reservationId, files: [file], category: 'user_document' as const };
      await expect(context.get(CommitFileUseCase).execute(user(), request)).rejects.toMatchObject({ code: ErrorCode.BadRequest });
      const stray = { ...request, files: [{ ...file, key: `files/${owner.accountId}/${randomUUID()}` }] };
      await expect(context.get(CommitFileUseCase).execute(owner, stray)).rejects.toMatchObject({ code: ErrorCode.BadRequest });
      expect(await rowsOf(owner.accountId)).toBe(0);
    });
  });

  describe('reading and changing a file', () => {
    type Action = 'get' | 'rename' | 'delete' | 'share';
    const act = (principal: Principal, action: Action, id: string): Promise<unknown> => {
      switch (action) {
        case 'get':
          return files().get(principal, id);
        case 'rename':
          return files().rename(principal, { id, name: 'mine.pdf' });
        case 'delete':
          return files().delete(principal, id);
        case 'share':
          return files().share(principal, { id, userIds: [principal.userId] });
      }
    };
    const actions: Action[] = ['get', 'rename', 'delete', 'share'];

    it.each(actions.flatMap((action) => [['another account, even its admin', ['user', 'admin'], action] as const, ['a colleague it is not shared with', ['user'], action] as const]))(
      '%s (%j): %s answers NOT_FOUND and changes nothing',
      async (who, roles, action) => {
        const owner = user();
        const file = await uploaded(owner);
        const other = user(who.startsWith('another') ? randomUUID() : owner.accountId, [...roles]);
        await expect(act(other, action, file.id)).rejects.toMatchObject({ code: ErrorCode.NotFound, message: 'File not found' });
        expect(await files().get(owner, file.id)).toMatchObject({ id: file.id, name: file.name });
      },
    );

    it.each(actions)('%s of an unknown id answers NOT_FOUND', async (action) => {
      await expect(act(user(), action, randomUUID())).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });

    it('another account lists nothing, whatever the filters', async () => {
      const owner = user();
      await uploaded(owner);
      const outsider = user(undefined, ['user', 'admin']);
      for (const request of [{}, { includeShared: true }, { targetId: owner.userId, targetType: 'user' as const, includeShared: true }]) {
        expect(await files().list(outsider, { page: 1, perPage: 50, ...request })).toMatchObject({ items: [], total: 0 });
      }
    });

    it('delete: the owner deletes once; then get, a second delete and a rename answer NOT_FOUND', async () => {
      const owner = user();
      const file = await uploaded(owner);
      expect(await files().delete(owner, file.id)).toEqual({ deleted: true });
      for (const action of ['get', 'delete', 'rename'] as const) await expect(act(owner, action, file.id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
      expect(await listKeys(s3, bucket, `files/${owner.accountId}/${file.id}`)).toEqual([]);
    });

    it.each<[string, string[]]>([
      ['the owner', ['user']],
      ['a provider', ['user', 'provider']],
      ['an admin', ['user', 'admin']],
    ])('an intake attachment is kept, even for %s (FORBIDDEN)', async (_who, roles) => {
      const owner = user();
      const intake = await uploaded(owner, { category: 'intake_attachment', targetId: 'intake-77', targetType: 'intake' });
      const actor = roles.length === 1 ? owner : user(owner.accountId, roles);
      await expect(files().delete(actor, intake.id)).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      expect((await files().get(owner, intake.id)).id).toBe(intake.id);
    });

    it('a shared file is read by the colleague but not changed (FORBIDDEN); only user documents are shared', async () => {
      const owner = user();
      const colleague = user(owner.accountId);
      const file = await uploaded(owner);
      expect(await files().share(owner, { id: file.id, userIds: [colleague.userId] })).toEqual({ id: file.id, sharedWith: [colleague.userId] });
      expect((await files().get(colleague, file.id)).id).toBe(file.id);
      await expect(files().delete(colleague, file.id)).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      await expect(files().rename(colleague, { id: file.id, name: 'mine.pdf' })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      await expect(files().share(colleague, { id: file.id, userIds: [randomUUID()] })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      const intake = await uploaded(owner, { category: 'intake_attachment', targetId: 'v-1', targetType: 'visit' });
      await expect(files().share(owner, { id: intake.id, userIds: [colleague.userId] })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    });
  });

  describe('rename', () => {
    it.each<[string, string, ErrorCode | { name: string; ext: string }]>([
      ['a new name of the same type', 'scan 2.pdf', { name: 'scan 2.pdf', ext: 'pdf' }],
      ['non-ASCII characters', 'Résumé ü.pdf', { name: 'Résumé ü.pdf', ext: 'pdf' }],
      ['an upper-case extension', 'SCAN.PDF', { name: 'SCAN.PDF', ext: 'pdf' }],
      ['surrounding spaces (trimmed)', '  spaced.pdf  ', { name: 'spaced.pdf', ext: 'pdf' }],
      ['another type', 'scan.jpg', ErrorCode.InvalidFileType],
      ['another type that the bytes could be read as', 'scan.txt', ErrorCode.InvalidFileType],
      ['no extension', 'scan', ErrorCode.InvalidFileType],
      ['a path', '../etc/scan.pdf', ErrorCode.ValidationFailed],
      ['a backslash path', 'dir\\scan.pdf', ErrorCode.ValidationFailed],
      ['a control character', 'sc\u0000an.pdf', ErrorCode.ValidationFailed],
      ['only spaces', '   ', ErrorCode.ValidationFailed],
    ])('%s (%j)', async (_case, name, expected) => {
      const owner = user();
      const file = await uploaded(owner);
      const answer = files().rename(owner, { id: file.id, name });
      if (typeof expected === 'string') {
        await expect(answer).rejects.toMatchObject({ code: expected });
        expect((await files().get(owner, file.id)).name).toBe('scan.pdf');
      } else {
        await expect(answer).resolves.toMatchObject(expected);
        expect((await files().get(owner, file.id)).name).toBe(expected.name);
      }
    });

    it('a Word document stays Word: .xlsx is refused, another .docx name is fine', async () => {
      const owner = user();
      const letter = await uploaded(owner, { name: 'letter.docx', bytes: docx, detected: 'application/zip' });
      await expect(files().rename(owner, { id: letter.id, name: 'letter.xlsx' })).rejects.toMatchObject({ code: ErrorCode.InvalidFileType });
      await expect(files().rename(owner, { id: letter.id, name: 'Letter (final).docx' })).resolves.toMatchObject({ ext: 'docx' });
    });

    it.each<[string, string[], ErrorCode | 'ok']>([
      ['the creator', ['user'], 'ok'],
      ['an admin of the account', ['user', 'admin'], 'ok'],
      ['a provider of the account', ['user', 'provider'], 'ok'],
      ['a plain colleague', ['user'], ErrorCode.NotFound],
    ])('by %s', async (who, roles, expected) => {
      const owner = user();
      const file = await uploaded(owner);
      const actor = who === 'the creator' ? owner : user(owner.accountId, roles);
      const answer = files().rename(actor, { id: file.id, name: 'renamed.pdf' });
      if (expected === 'ok') await expect(answer).resolves.toMatchObject({ name: 'renamed.pdf' });
      else await expect(answer).rejects.toMatchObject({ code: expected });
    });
  });

  describe('list', () => {
    it('filters by target and category and pages with a total', async () => {
      const owner = user();
      const target = { category: 'intake_attachment' as const, targetId: 'intake-77', targetType: 'intake' as const };
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await uploaded(owner, { name: `${i}.pdf`, ...target })).id);
      await uploaded(owner);
      const page1 = await files().list(owner, { targetId: 'intake-77', targetType: 'intake', category: 'intake_attachment', page: 1, perPage: 2 });
      expect(page1).toMatchObject({ page: 1, perPage: 2, total: 3 });
      const page2 = await files().list(owner, { targetId: 'intake-77', targetType: 'intake', page: 2, perPage: 2 });
      expect([...page1.items, ...page2.items].map((f) => f.id).sort()).toEqual([...ids].sort());
      expect(page1.items[0]).toMatchObject({ is_deletable: false, meta: { category: 'intake_attachment', target: { id: 'intake-77', type: 'intake' } } });
      expect((await files().list(owner, { targetId: 'intake-77', targetType: 'intake', page: 3, perPage: 2 })).items).toEqual([]);
      expect((await files().list(owner, { category: 'user_document', targetId: 'intake-77', targetType: 'intake', page: 1, perPage: 50 })).items).toEqual([]);
      expect((await files().list(owner, { targetId: owner.userId, targetType: 'user', page: 1, perPage: 50 })).total).toBe(1);
    });

    it('a target id needs its type (VALIDATION_FAILED)', async () => {
      await expect(files().list(user(), { targetId: 'intake-77', page: 1, perPage: 50 })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    });

    it('a colleague lists a shared file only with includeShared', async () => {
      const owner = user();
      const colleague = user(owner.accountId);
      const file = await uploaded(owner);
      const mine = await uploaded(colleague);
      await files().share(owner, { id: file.id, userIds: [colleague.userId] });
      const listed = async (includeShared: boolean) =>
        (await files().list(colleague, { targetId: colleague.userId, targetType: 'user', includeShared, page: 1, perPage: 50 })).items.map((f) => f.id);
      expect(await listed(false)).toEqual([mine.id]);
      expect((await listed(true)).sort()).toEqual([file.id, mine.id].sort());
    });
  });

  describe('signed view links', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const signer = () => new ViewLinkSigner(context.get(FileSettings).linkSecret, env.FILE_LINK_TTL_SECONDS);
    const views = () => context.get(ViewsService);
    const link = (id: string, time = now(), size?: string, boundTo?: string) => ({ id, authCode: signer().sign(id, time, boundTo), time: String(time), size });

    it('answers the original by its key, type, size and ETag', async () => {
      const file = await uploaded(user());
      const [row] = await context.dataSource.query(`SELECT storage_key, sha256 FROM "${SCHEMA}"."files" WHERE id = $1`, [file.id]);
      expect(await views().resolve(link(file.id))).toEqual({ key: row.storage_key, fileName: 'scan.pdf', contentType: 'application/pdf', size: pdf.length, etag: `"${row.sha256}"` });
    });

    type Tamper = (file: FileReply, other: FileReply) => { id: string; authCode: string; time: string; size?: string };
    it.each<[string, Tamper]>([
      ['a flipped code', (file) => ({ ...link(file.id), authCode: link(file.id).authCode.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) })],
      ['an upper-case code', (file) => ({ ...link(file.id), authCode: link(file.id).authCode.toUpperCase() })],
      ['a short code', (file) => ({ ...link(file.id), authCode: 'zz' })],
      ['a time one second off', (file) => ({ ...link(file.id), time: String(now() + 1) })],
      ['a time that is not a number', (file) => ({ ...link(file.id), time: 'NaN' })],
      ['an expired link', (file) => link(file.id, now() - env.FILE_LINK_TTL_SECONDS - 5)],
      ['a link from the future', (file) => link(file.id, now() + 3600)],
      ["another file's code (the id swapped in)", (file, other) => ({ ...link(other.id), id: file.id })],
      ['a size-bound link used for another size', (file) => link(file.id, now(), '320x240', '64x64')],
      ['a size-bound link used without its size', (file) => link(file.id, now(), undefined, '64x64')],
    ])('%s is FORBIDDEN (the link is invalid or has expired)', async (_case, tamper) => {
      const owner = user();
      const [file, other] = [await uploaded(owner), await uploaded(owner)];
      await expect(views().resolve(tamper(file, other))).rejects.toMatchObject({ code: ErrorCode.Forbidden, message: 'The link is invalid or has expired' });
    });

    it('a link ten seconds old is fine; a deleted file is NOT_FOUND, even with a valid link', async () => {
      const owner = user();
      const file = await uploaded(owner);
      await expect(views().resolve(link(file.id, now() - 10))).resolves.toMatchObject({ contentType: 'application/pdf' });
      await files().delete(owner, file.id);
      await expect(views().resolve(link(file.id))).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });

    it('ignores a size for a file that is not an image', async () => {
      const file = await uploaded(user());
      expect(await views().resolve(link(file.id, now(), '999x999'))).toMatchObject({ contentType: 'application/pdf', size: pdf.length });
    });

    describe('image variants', () => {
      let photo: FileReply;
      beforeAll(async () => {
        const bytes = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#2a6' } }).png().toBuffer();
        photo = await uploaded(user(), { name: 'photo.png', bytes, detected: 'image/png' });
      });

      it.each(['321x240', '320x241', '0x0', 'huge', '64X64'])('a size outside the presets (%s) is VALIDATION_FAILED', async (size) => {
        await expect(views().resolve(link(photo.id, now(), size))).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
      });

      it.each(env.FILE_VARIANT_SIZES.split(','))('renders the preset %s as a PNG within it, stored under the variants prefix', async (label) => {
        const reply = await views().resolve({ ...link(photo.id, now(), label), render: true });
        expect(reply).toMatchObject({ contentType: 'image/png', etag: expect.stringMatching(new RegExp(`^"[0-9a-f]{64}-${label}"$`)), fileName: `photo-${label}.png` });
        const stored = (await storage.getBuffer(reply.key))!;
        expect(stored.length).toBe(reply.size);
        const [width, height] = label.split('x').map(Number) as [number, number];
        const metadata = await sharp(stored).metadata();
        expect(metadata.format).toBe('png');
        expect(metadata.width! <= width && metadata.height! <= height).toBe(true);
        // Never enlarged past the original.
        expect(metadata.width! <= 400 && metadata.height! <= 300).toBe(true);
      });

      it('an image claiming too many pixels is a BAD_REQUEST to render; its original is still served', async () => {
        const bomb = await uploaded(user(), { name: 'bomb.png', bytes: pixelBombPng(30_000, 30_000), detected: 'image/png' });
        await expect(views().resolve({ ...link(bomb.id, now(), '64x64'), render: true })).rejects.toMatchObject({ code: ErrorCode.BadRequest });
        await expect(views().resolve(link(bomb.id))).resolves.toMatchObject({ contentType: 'image/png' });
      });
    });
  });
});
