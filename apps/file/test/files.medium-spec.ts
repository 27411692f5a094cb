import { randomUUID } from 'node:crypto';
import { FileCategory, FileEvents, Principal, ServiceSchemas } from '@quire/contracts';
import { ErrorCode } from '@quire/errors';
import { ServiceEnv } from '@quire/platform';
import { createMediumContext, MediumContext, mediumOutbox, outboxPayloads } from '@quire/testing';
import { AccountUsers } from '../src/files/account-users';
import { readerOf } from '../src/files/file-access';
import { FileShare } from '../src/files/file-share.entity';
import { StoredFile } from '../src/files/file.entity';
import { DeleteFileUseCase } from '../src/files/delete-file.use-case';
import { FilesRepository } from '../src/files/files.repository';
import { RenameFileUseCase } from '../src/files/rename-file.use-case';
import { ShareFileUseCase } from '../src/files/share-file.use-case';
import { migrations } from '../src/migrations';
import { FileView } from '../src/views/file-view.entity';
import { AccountUsersDirectory } from './support/account-users';

const SCHEMA = ServiceSchemas['file'];

describe('file use cases (medium)', () => {
  let context: MediumContext;
  const directory = new AccountUsersDirectory();
  const user = (accountId: string = randomUUID(), roles: string[] = ['user']): Principal =>
    directory.add({ accountId, userId: randomUUID(), roles, scopes: [] });

  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: SCHEMA, entities: [StoredFile, FileShare, FileView], migrations },
      env: new ServiceEnv(),
      providers: [
        mediumOutbox(SCHEMA),
        FilesRepository,
        RenameFileUseCase,
        DeleteFileUseCase,
        ShareFileUseCase,
        { provide: AccountUsers, useValue: directory },
      ],
    });
  });
  afterAll(() => context?.close());

  /** A stored row as a commit leaves it (the bytes are not needed here). */
  async function file(owner: Principal, category: FileCategory = 'user_document', name = 'notes.docx'): Promise<StoredFile> {
    const id = randomUUID();
    const now = new Date();
    const ext = name.slice(name.lastIndexOf('.') + 1);
    const row = Object.assign(new StoredFile(), {
      id,
      accountId: owner.accountId,
      accountCode: owner.accountId,
      name,
      ext,
      size: 10,
      contentType: ext === 'docx' ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' : 'text/plain',
      sha256: 'a'.repeat(64),
      category,
      targetId: owner.userId,
      targetType: category === 'intake_attachment' ? 'visit' : 'user',
      creatorId: owner.userId,
      creatorUsername: owner.userId,
      creatorEmail: null,
      creatorFullName: null,
      visible: true,
      isDeletable: category !== 'intake_attachment',
      storageKey: `files/${owner.accountId}/${id}`,
      createdAt: now,
      modifiedAt: now,
    });
    await context.dataSource.manager.insert(StoredFile, row);
    return row;
  }

  const deletedEvents = async (id: string): Promise<unknown[]> =>
    (await outboxPayloads<{ id: string }>(context.dataSource, SCHEMA, FileEvents.deleted)).filter((event) => event.id === id);

  it('renames for the owner or a provider only (a reader gets 403), keeping the type; another account sees 404', async () => {
    const owner = user();
    const stored = await file(owner);
    const rename = context.get(RenameFileUseCase);
    const request = (name: string) => ({ id: stored.id, name });
    // A colleague cannot see another's document (404); one who can see it but does not manage it gets 403.
    await expect(rename.execute({ principal: user(owner.accountId), request: request('x.docx'), name: 'x.docx' })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    const reader = user(owner.accountId);
    await context.get(ShareFileUseCase).execute({ principal: owner, request: { id: stored.id, userIds: [reader.userId] } });
    await expect(rename.execute({ principal: reader, request: request('x.docx'), name: 'x.docx' })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await expect(rename.execute({ principal: user(undefined, ['admin']), request: request('x.docx'), name: 'x.docx' })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(rename.execute({ principal: owner, request: request('x.txt'), name: 'x.txt' })).rejects.toMatchObject({ code: ErrorCode.InvalidFileType });
    await rename.execute({ principal: user(owner.accountId, ['provider']), request: request('Report.docx'), name: 'Report.docx' });
    expect(await context.get(FilesRepository).findReadable(readerOf(owner), stored.id)).toMatchObject({ name: 'Report.docx', ext: 'docx' });
  });

  it('deletes with its event in the same transaction; intake attachments are kept; strangers see 404', async () => {
    const owner = user();
    const stored = await file(owner);
    const remove = context.get(DeleteFileUseCase);
    await expect(remove.execute({ principal: user(owner.accountId), id: stored.id })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(await deletedEvents(stored.id)).toEqual([]);
    await remove.execute({ principal: owner, id: stored.id });
    expect(await context.get(FilesRepository).findReadable(readerOf(owner), stored.id)).toBeUndefined();
    expect(await deletedEvents(stored.id)).toEqual([{ id: stored.id, accountId: owner.accountId }]);
    const intake = await file(owner, 'intake_attachment', 'scan.txt');
    await expect(remove.execute({ principal: user(owner.accountId, ['admin']), id: intake.id })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    expect(await deletedEvents(intake.id)).toEqual([]);
  });

  it('shares user documents only, never with the creator, idempotently; the colleague then reads it', async () => {
    const owner = user();
    const colleague = user(owner.accountId);
    const stored = await file(owner);
    const share = context.get(ShareFileUseCase);
    const files = context.get(FilesRepository);
    expect(await files.findReadable(readerOf(colleague), stored.id)).toBeUndefined();
    const request = { id: stored.id, userIds: [colleague.userId, owner.userId] };
    expect(await share.execute({ principal: owner, request })).toEqual({ id: stored.id, sharedWith: [colleague.userId] });
    expect(await share.execute({ principal: owner, request })).toEqual({ id: stored.id, sharedWith: [colleague.userId] });
    expect(await files.findReadable(readerOf(colleague), stored.id)).toMatchObject({ id: stored.id });
    const listed = (shared: boolean) => files.list(readerOf(colleague), { includeShared: shared, page: 1, perPage: 50 });
    expect((await listed(true)).items.map((f) => f.id)).toContain(stored.id);
    const avatar = await file(owner, 'user_avatar', 'me.txt');
    await expect(share.execute({ principal: owner, request: { id: avatar.id, userIds: [colleague.userId] } })).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
  });

  it('shares only with users of the account: an unknown id or another account\'s user is a 400 and nothing is shared', async () => {
    const owner = user();
    const colleague = user(owner.accountId);
    const stranger = user();
    const stored = await file(owner);
    const share = context.get(ShareFileUseCase);
    for (const userIds of [[colleague.userId, randomUUID()], [stranger.userId], ['not-a-user']]) {
      await expect(share.execute({ principal: owner, request: { id: stored.id, userIds } })).rejects.toMatchObject({
        code: ErrorCode.ValidationFailed,
        details: { fields: { user_ids: expect.any(Array) } },
      });
    }
    expect(await context.get(FilesRepository).sharesOf(owner, stored.id)).toEqual([]);
    expect(await share.execute({ principal: owner, request: { id: stored.id, userIds: [colleague.userId] } })).toEqual({ id: stored.id, sharedWith: [colleague.userId] });
  });

  it("never reads, lists or counts another account's rows, even for its admins", async () => {
    const owner = user();
    const stored = await file(owner);
    const stranger = user(undefined, ['admin']);
    const files = context.get(FilesRepository);
    expect(await files.findReadable(readerOf(stranger), stored.id)).toBeUndefined();
    expect((await files.list(readerOf(stranger), { includeShared: true, page: 1, perPage: 50 })).total).toBe(0);
    expect(await files.contentStillUsed(stranger, stored.sha256)).toBe(false);
    expect(await files.contentStillUsed(owner, stored.sha256)).toBe(true);
    await expect(context.get(ShareFileUseCase).execute({ principal: stranger, request: { id: stored.id, userIds: [stranger.userId] } })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
  });
});
