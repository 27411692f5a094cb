import { Injectable, Logger } from '@nestjs/common';
import {
  FileDeleteReply,
  FileListReply,
  FileReply,
  FileShareReply,
  ListFilesRequest,
  Principal,
  RenameFileRequest,
  ShareFileRequest,
} from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { ObjectStorage, Outbox } from '@quire/platform';
import { FileSettings } from '../file.settings';
import { variantPrefix } from '../views/variant-keys';
import { readerOf } from './file-access';
import { toFileReply } from './file-reply';
import { StoredFile } from './file.entity';
import { DeleteFileUseCase } from './delete-file.use-case';
import { FilesRepository } from './files.repository';
import { RenameFileUseCase } from './rename-file.use-case';
import { ShareFileUseCase } from './share-file.use-case';

/** A file name as shown and served: no path, no control characters, trimmed, bounded. */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
   
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
}

@Injectable()
export class FilesService {
  private readonly logger = new Logger(FilesService.name);

  constructor(
    private readonly files: FilesRepository,
    private readonly storage: ObjectStorage,
    private readonly settings: FileSettings,
    private readonly outbox: Outbox,
    private readonly renameFile: RenameFileUseCase,
    private readonly deleteFile: DeleteFileUseCase,
    private readonly shareFile: ShareFileUseCase,
  ) {}

  async get(principal: Principal, id: string): Promise<FileReply> {
    return toFileReply(await this.readable(principal, id), this.settings.viewLinks);
  }

  async list(principal: Principal, request: ListFilesRequest): Promise<FileListReply> {
    if (request.targetId !== undefined && request.targetType === undefined) {
      throw DomainError.validation('target_id needs target_type', { fields: { target_type: ['required with target_id'] } });
    }
    const { items, total } = await this.files.list(readerOf(principal), {
      targetId: request.targetId,
      targetType: request.targetType,
      category: request.category,
      includeShared: request.includeShared ?? false,
      page: request.page,
      perPage: request.perPage,
    });
    return { items: items.map((file) => toFileReply(file, this.settings.viewLinks)), page: request.page, perPage: request.perPage, total };
  }

  async rename(principal: Principal, request: RenameFileRequest): Promise<FileReply> {
    const name = cleanFileName(request.name);
    if (!name || name !== request.name.trim()) {
      throw DomainError.validation('A file name cannot contain slashes or control characters', { fields: { name: ['invalid file name'] } });
    }
    return toFileReply(await this.renameFile.execute({ principal, request, name }), this.settings.viewLinks);
  }

  /** Deletes the row, then (after commit) its object and, when no other file has these bytes, its variants. */
  async delete(principal: Principal, id: string): Promise<FileDeleteReply> {
    const file = await this.deleteFile.execute({ principal, id });
    await Promise.all([this.removeObjectsOf(file), this.outbox.flush()]);
    return { deleted: true };
  }

  /** After a committed delete: never fails the answer (a leftover object is logged). */
  private async removeObjectsOf(file: StoredFile): Promise<void> {
    const keys = [file.storageKey];
    try {
      if (!(await this.files.contentStillUsed(file, file.sha256))) {
        for await (const variant of this.storage.list(variantPrefix(file.accountId, file.sha256))) keys.push(variant.key);
      }
    } catch (error) {
      this.logger.warn({ err: error, key: file.storageKey }, 'Could not list the variants of a deleted file');
    }
    await this.storage.deleteQuietly(keys);
  }

  share(principal: Principal, request: ShareFileRequest): Promise<FileShareReply> {
    return this.shareFile.execute({ principal, request });
  }

  private async readable(principal: Principal, id: string): Promise<StoredFile> {
    const file = await this.files.findReadable(readerOf(principal), id);
    if (!file) throw DomainError.notFound('File');
    return file;
  }
}
