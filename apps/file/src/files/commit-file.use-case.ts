import { Injectable } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { CommitFileRequest, FileEvents, FileReply, Principal } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { assertOoxmlObject, assertReceived, Db, DEFAULT_OOXML_LIMITS, isOoxmlKind, ObjectStorage, OpenReservation, Outbox, receivedField, ReservationOutcome, UploadReservations } from '@quire/platform';
import { FileSettings } from '../file.settings';
import { AccountUsers } from './account-users';
import { resolveTarget } from './file-access';
import { toFileReply } from './file-reply';
import { contentTypeFor, extensionOf } from './file-types';
import { StoredFile } from './file.entity';
import { FilesRepository } from './files.repository';
import { cleanFileName } from './files.service';
import { FILE_UPLOAD } from './reserve-file-upload.use-case';

/**
 * The upload's commit, once per reservation (a retried commit gets the first answer, never a
 * second row): name, type and the category's limit, the object where the gateway wrote it, an
 * OOXML file's main part, then the row and its `created` event in one transaction. The object
 * stays at its reserved key (nothing is copied); a rejection deletes it.
 */
@Injectable()
export class CommitFileUseCase {
  constructor(
    private readonly reservations: UploadReservations,
    private readonly files: FilesRepository,
    private readonly storage: ObjectStorage,
    private readonly settings: FileSettings,
    private readonly outbox: Outbox,
    private readonly db: TransactionHost,
    private readonly users: AccountUsers,
  ) {}

  async execute(principal: Principal, command: CommitFileRequest): Promise<FileReply> {
    // Another user as the target must be a user of this account: asked before the transaction,
    // refused inside it (so the rejection deletes what was staged, as every other refusal does).
    const otherUser = command.targetType === 'user' && command.targetId !== undefined && command.targetId !== principal.userId ? command.targetId : undefined;
    const unknownTarget = otherUser !== undefined && (await this.users.unknownOf(principal, [otherUser])).length > 0;
    const reply = await this.reservations.commitOnce(principal, command.reservationId, FILE_UPLOAD, (reservation) =>
      this.record(principal, command, reservation, unknownTarget),
    );
    await this.outbox.flush();
    return reply;
  }

  /** Runs inside commitOnce's transaction (joined by @Transactional), under its savepoint. */
  @Transactional()
  private async record(principal: Principal, command: CommitFileRequest, reservation: OpenReservation, unknownTarget: boolean): Promise<ReservationOutcome<FileReply>> {
    const { category } = command;
    const file = receivedField(command.files, 'file');
    const target = resolveTarget(principal, category, command.targetId, command.targetType);
    if (unknownTarget) throw DomainError.validation('No such user in this account', { fields: { 'meta.target.id': ['unknown user'] } });
    const name = cleanFileName(file.fileName);
    if (!name) throw DomainError.validation('The file needs a name', { fields: { file: ['missing file name'] } });
    const contentType = contentTypeFor(name, file.detectedContentType, this.settings.allowedExtensions);
    const maxBytes = this.settings.maxBytes[category];
    if (file.size > maxBytes) {
      throw new DomainError(ErrorCode.PayloadTooLarge, `A ${category} file may be at most ${maxBytes} bytes`, { maxBytes });
    }
    const [key] = reservation.keys;
    await assertReceived(this.storage, file, (candidate) => candidate === key);
    const ext = extensionOf(name);
    if (isOoxmlKind(ext)) {
      // A ZIP magic number alone would let any archive (or an .xlsx renamed .docx) through.
      await assertOoxmlObject(this.storage, file, {
        ...DEFAULT_OOXML_LIMITS,
        kind: ext,
        field: 'file',
        invalidMessage: `The file's content does not match its extension ".${ext}"`,
        extra: { ext },
      });
    }

    const now = new Date();
    const row: StoredFile = Object.assign(new StoredFile(), {
      id: file.key.slice(file.key.lastIndexOf('/') + 1),
      accountId: principal.accountId,
      accountCode: principal.accountCode ?? principal.accountId,
      name,
      ext,
      size: file.size,
      contentType,
      sha256: file.sha256,
      category,
      targetId: target.id,
      targetType: target.type,
      creatorId: principal.userId,
      creatorUsername: principal.loginName ?? principal.email ?? principal.userId,
      creatorEmail: principal.email ?? null,
      creatorFullName: principal.displayName ?? null,
      visible: true,
      // Intake attachments are part of the visit record: kept.
      isDeletable: category !== 'intake_attachment',
      storageKey: file.key,
      createdAt: now,
      modifiedAt: now,
    });
    // FilesRepository still takes the manager; this is the transaction commitOnce opened.
    await this.files.insert((this.db as Db).tx, row);
    await this.outbox.record(FileEvents.created, { id: row.id, accountId: row.accountId, category, target });
    return { reply: toFileReply(row, this.settings.viewLinks) };
  }
}
