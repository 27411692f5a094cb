import { Injectable, Logger } from '@nestjs/common';
import {
  FileDeleteReply,
  FileEvents,
  FileListReply,
  FileReply,
  FileShareReply,
  ListFilesRequest,
  Principal,
  RenameFileRequest,
  ShareFileRequest,
} from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage, Outbox } from '@quire/platform';
import { FileSettings } from '../file.settings';
import { ViewLinkSigner } from '../views/view-link';
import { variantPrefix } from '../views/variant-keys';
import { readerOf, requireManager } from './file-access';
import { toFileReply } from './file-reply';
import { contentTypeFor, extensionOf } from './file-types';
import { StoredFile } from './file.entity';
import { FilesRepository } from './files.repository';

/** A file name as shown and served: no path, no control characters, trimmed, bounded. */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
   
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
}

@Injectable()
export class FilesService {
  private readonly logger = new Logger(FilesService.name);
  private readonly links: ViewLinkSigner;

  constructor(
    private readonly files: FilesRepository,
    private readonly storage: ObjectStorage,
    private readonly settings: FileSettings,
    private readonly outbox: Outbox,
  ) {
    this.links = new ViewLinkSigner(settings.linkSecret, settings.linkTtlSeconds);
  }

  async get(principal: Principal, id: string): Promise<FileReply> {
    return toFileReply(await this.readable(principal, id), this.links);
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
    return { items: items.map((file) => toFileReply(file, this.links)), page: request.page, perPage: request.perPage, total };
  }

  async rename(principal: Principal, request: RenameFileRequest): Promise<FileReply> {
    const name = cleanFileName(request.name);
    if (!name || name !== request.name.trim()) {
      throw DomainError.validation('A file name cannot contain slashes or control characters', { fields: { name: ['invalid file name'] } });
    }
    const renamed = await this.files.transaction(async (manager) => {
      const file = await this.files.lockReadable(manager, readerOf(principal), request.id);
      if (!file) throw DomainError.notFound('File');
      requireManager(principal, file);
      // The bytes do not change, so the new name must describe the same type (.docx stays Word).
      if (contentTypeFor(name, detectedTypeOf(file), new Set([extensionOf(name)])) !== file.contentType) {
        throw new DomainError(ErrorCode.InvalidFileType, `A ${file.ext} file cannot be renamed to ".${extensionOf(name)}"`);
      }
      const at = new Date();
      await this.files.rename(manager, principal.accountId, file.id, name, extensionOf(name), at);
      return Object.assign(file, { name, ext: extensionOf(name), modifiedAt: at });
    });
    return toFileReply(renamed, this.links);
  }

  /** Deletes the row, then (after commit) its object and, when no other file has these bytes, its variants. */
  async delete(principal: Principal, id: string): Promise<FileDeleteReply> {
    const file = await this.files.transaction(async (manager) => {
      const found = await this.files.lockReadable(manager, readerOf(principal), id);
      if (!found) throw DomainError.notFound('File');
      requireManager(principal, found);
      if (!found.isDeletable) throw DomainError.forbidden('This file cannot be deleted');
      await this.files.delete(manager, principal.accountId, found.id);
      await this.outbox.add(manager, FileEvents.deleted, { id: found.id, accountId: found.accountId });
      return found;
    });
    const keys = [file.storageKey];
    if (!(await this.files.contentStillUsed(file.accountId, file.sha256))) {
      for await (const variant of this.storage.list(variantPrefix(file.accountId, file.sha256))) keys.push(variant.key);
    }
    await Promise.all([this.storage.deleteQuietly(keys), this.outbox.flush()]);
    return { deleted: true };
  }

  async share(principal: Principal, request: ShareFileRequest): Promise<FileShareReply> {
    return this.files.transaction(async (manager) => {
      const file = await this.files.lockReadable(manager, readerOf(principal), request.id);
      if (!file) throw DomainError.notFound('File');
      requireManager(principal, file);
      if (file.category !== 'user_document') throw DomainError.validation('Only user_document files can be shared');
      await this.files.addShares(manager, principal.accountId, file.id, request.userIds.filter((userId) => userId !== file.creatorId));
      return { id: file.id, sharedWith: await this.files.sharesOf(manager, principal.accountId, file.id) };
    });
  }

  private async readable(principal: Principal, id: string): Promise<StoredFile> {
    const file = await this.files.findReadable(readerOf(principal), id);
    if (!file) throw DomainError.notFound('File');
    return file;
  }
}

/** What the upload pipeline detected for a stored file's type (the inverse of contentTypeFor). */
function detectedTypeOf(file: StoredFile): string {
  if (file.contentType.startsWith('application/vnd.openxmlformats')) return 'application/zip';
  return file.contentType.split(';')[0]!;
}
