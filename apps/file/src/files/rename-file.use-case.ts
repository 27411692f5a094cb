import { Injectable } from '@nestjs/common';
import { Principal, RenameFileRequest } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { Transactional } from '@quire/platform';
import { readerOf, requireManager } from './file-access';
import { contentTypeFor, extensionOf } from './file-types';
import { StoredFile } from './file.entity';
import { FilesRepository } from './files.repository';

export interface RenameFileCommand {
  principal: Principal;
  request: RenameFileRequest;
  /** The cleaned name (FilesService checks it first). */
  name: string;
}

/** What the upload pipeline detected for a stored file's type (the inverse of contentTypeFor). */
function detectedTypeOf(file: StoredFile): string {
  if (file.contentType.startsWith('application/vnd.openxmlformats')) return 'application/zip';
  return file.contentType.split(';')[0]!;
}

/** A manager renames a file; the bytes do not change, so the new name keeps the type (.docx stays Word). */
@Injectable()
export class RenameFileUseCase {
  constructor(private readonly files: FilesRepository) {}

  @Transactional()
  async execute({ principal, request, name }: RenameFileCommand): Promise<StoredFile> {
    const file = await this.files.lockReadable(readerOf(principal), request.id);
    if (!file) throw DomainError.notFound('File');
    requireManager(principal, file);
    if (contentTypeFor(name, detectedTypeOf(file), new Set([extensionOf(name)])) !== file.contentType) {
      throw new DomainError(ErrorCode.InvalidFileType, `A ${file.ext} file cannot be renamed to ".${extensionOf(name)}"`);
    }
    const at = new Date();
    await this.files.rename(principal, file.id, name, extensionOf(name), at);
    return Object.assign(file, { name, ext: extensionOf(name), modifiedAt: at });
  }
}
