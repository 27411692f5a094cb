import { Injectable } from '@nestjs/common';
import { FileEvents, Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Outbox, Transactional } from '@quire/platform';
import { readerOf, requireManager } from './file-access';
import { StoredFile } from './file.entity';
import { FilesRepository } from './files.repository';

/**
 * A manager deletes a deletable file: the row and its `deleted` event together. Answers the row
 * as it was, for the caller's clean-up of its objects after commit.
 */
@Injectable()
export class DeleteFileUseCase {
  constructor(
    private readonly files: FilesRepository,
    private readonly outbox: Outbox,
  ) {}

  @Transactional()
  async execute({ principal, id }: { principal: Principal; id: string }): Promise<StoredFile> {
    const file = await this.files.lockReadable(readerOf(principal), id);
    if (!file) throw DomainError.notFound('File');
    requireManager(principal, file);
    if (!file.isDeletable) throw DomainError.forbidden('This file cannot be deleted');
    await this.files.delete(principal, file.id);
    await this.outbox.record(FileEvents.deleted, { id: file.id, accountId: file.accountId });
    return file;
  }
}
