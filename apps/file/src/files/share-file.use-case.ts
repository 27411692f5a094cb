import { Injectable } from '@nestjs/common';
import { FileShareReply, Principal, ShareFileRequest } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Transactional } from '@quire/platform';
import { readerOf, requireManager } from './file-access';
import { FilesRepository } from './files.repository';

/** A manager shares a user document with users of the account; answers everyone it is shared with. */
@Injectable()
export class ShareFileUseCase {
  constructor(private readonly files: FilesRepository) {}

  @Transactional()
  async execute({ principal, request }: { principal: Principal; request: ShareFileRequest }): Promise<FileShareReply> {
    const file = await this.files.lockReadable(readerOf(principal), request.id);
    if (!file) throw DomainError.notFound('File');
    requireManager(principal, file);
    if (file.category !== 'user_document') throw DomainError.validation('Only user_document files can be shared');
    await this.files.addShares(principal, file.id, request.userIds.filter((userId) => userId !== file.creatorId));
    return { id: file.id, sharedWith: await this.files.sharesOf(principal, file.id) };
  }
}
