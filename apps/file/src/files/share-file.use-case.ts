import { Injectable } from '@nestjs/common';
import { FileShareReply, Principal, ShareFileRequest } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Transactional } from '@quire/platform';
import { AccountUsers } from './account-users';
import { readerOf, requireManager } from './file-access';
import { StoredFile } from './file.entity';
import { FilesRepository } from './files.repository';

/**
 * A manager shares a user document with users of the account; answers everyone it is shared with.
 * The ids are checked against identity first (outside the transaction: no row lock held over a
 * network call); an id that names nobody in the account, or another account's user, is a 400.
 */
@Injectable()
export class ShareFileUseCase {
  constructor(
    private readonly files: FilesRepository,
    private readonly users: AccountUsers,
  ) {}

  async execute(command: { principal: Principal; request: ShareFileRequest }): Promise<FileShareReply> {
    // The file's own answers (404, 403, 400 for its category) come first, then the users'.
    this.requireShareable(command.principal, await this.files.findReadable(readerOf(command.principal), command.request.id));
    await this.users.requireKnown(command.principal, command.request.userIds, 'user_ids');
    return this.share(command);
  }

  @Transactional()
  private async share({ principal, request }: { principal: Principal; request: ShareFileRequest }): Promise<FileShareReply> {
    const file = await this.files.lockReadable(readerOf(principal), request.id);
    this.requireShareable(principal, file);
    await this.files.addShares(principal, file.id, request.userIds.filter((userId) => userId !== file.creatorId));
    return { id: file.id, sharedWith: await this.files.sharesOf(principal, file.id) };
  }

  private requireShareable(principal: Principal, file: StoredFile | undefined | null): asserts file is StoredFile {
    if (!file) throw DomainError.notFound('File');
    requireManager(principal, file);
    if (file.category !== 'user_document') throw DomainError.validation('Only user_document files can be shared');
  }
}
