import { Injectable } from '@nestjs/common';
import { DocumentRepositoryEvents, Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Outbox, Transactional } from '@quire/platform';
import { DocumentsRepository } from './documents.repository';

export const ONLY_VERSION_MESSAGE = 'You cannot delete the only version of a document';

/**
 * Deletes one version under the document's row lock, so two concurrent deletes of the last two
 * versions see each other: the second finds one left and answers 409. Answers the object key to
 * delete after commit.
 */
@Injectable()
export class DeleteVersionUseCase {
  constructor(
    private readonly documents: DocumentsRepository,
    private readonly outbox: Outbox,
  ) {}

  @Transactional()
  async execute(command: { principal: Principal; projectId: string; documentId: string; versionId: string }): Promise<string> {
    const { principal, projectId, documentId, versionId } = command;
    if (!(await this.documents.lock(principal, projectId, documentId))) throw DomainError.notFound('Document', { documentId });
    const versions = await this.documents.versions(principal, documentId);
    const version = versions.find((v) => v.id === versionId);
    if (!version) throw DomainError.notFound('Document version', { versionId });
    if (versions.length === 1) throw DomainError.conflict(ONLY_VERSION_MESSAGE, { documentId, versionId });
    await this.documents.deleteVersion(principal, versionId);
    // The current version may be the one deleted: the highest remaining number becomes current.
    await this.documents.resetCurrent(principal, projectId, documentId);
    await this.outbox.record(DocumentRepositoryEvents.versionDeleted, { accountId: principal.accountId, projectId, documentId, versionId });
    return version.s3Key;
  }
}
