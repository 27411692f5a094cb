import { Injectable } from '@nestjs/common';
import { DocumentRepositoryEvents, Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Outbox, Transactional } from '@quire/platform';
import { FieldsRepository } from '../fields/fields.repository';
import { DocumentsRepository, DocumentVersion } from './documents.repository';

export interface NewVersion {
  versionId: string;
  s3Key: string;
  size: number;
  sha256: string;
  contentType: string;
}

export interface NewDocumentCommand {
  principal: Principal;
  projectId: string;
  documentId: string;
  name: string;
  folderId: string | null;
  rejectDuplicate: boolean;
  version: NewVersion;
  /** Checked values by field id. */
  fieldValues: Record<string, unknown>;
}

export interface NewVersionCommand {
  principal: Principal;
  projectId: string;
  documentId: string;
  rejectDuplicate: boolean;
  version: NewVersion;
}

/** The 409 of rejectDuplicate=true: names the document that already has these bytes. */
export function duplicateOf(existing: { id: string; name: string }): DomainError {
  return DomainError.conflict('A document with the same content exists in this project', { documentId: existing.id, name: existing.name });
}

/**
 * Records an upload the service has already copied into place: the document (or its next
 * version), field values and the event, in one transaction under the project+sha256 advisory
 * lock, so a duplicate check and the insert it guards cannot interleave with another upload.
 */
@Injectable()
export class CommitUploadUseCase {
  constructor(
    private readonly documents: DocumentsRepository,
    private readonly fields: FieldsRepository,
    private readonly outbox: Outbox,
  ) {}

  @Transactional()
  async newDocument(command: NewDocumentCommand): Promise<DocumentVersion> {
    const { principal, projectId, documentId, version } = command;
    await this.documents.lockContent(principal, projectId, version.sha256);
    if (command.rejectDuplicate) {
      const existing = await this.documents.withContent(principal, projectId, version.sha256);
      if (existing) throw duplicateOf(existing);
    }
    await this.documents.insertDocument(principal, {
      id: documentId,
      projectId,
      folderId: command.folderId,
      name: command.name,
      contentType: version.contentType,
      versionId: version.versionId,
      sha256: version.sha256,
      dedup: command.rejectDuplicate,
      createdBy: principal.userId,
    });
    const stored = await this.documents.insertVersion(principal, { id: version.versionId, documentId, s3Key: version.s3Key, size: version.size, sha256: version.sha256, contentType: version.contentType, uploadedBy: principal.userId });
    for (const [fieldId, value] of Object.entries(command.fieldValues)) await this.fields.setValue(principal, projectId, documentId, fieldId, value);
    await this.outbox.record(DocumentRepositoryEvents.documentCreated, { accountId: principal.accountId, projectId, documentId, versionId: version.versionId, folderId: command.folderId });
    return stored;
  }

  @Transactional()
  async newVersion(command: NewVersionCommand): Promise<DocumentVersion> {
    const { principal, projectId, documentId, version } = command;
    await this.documents.lockContent(principal, projectId, version.sha256);
    if (!(await this.documents.lock(principal, projectId, documentId))) throw DomainError.notFound('Document', { documentId });
    if (command.rejectDuplicate) {
      const existing = await this.documents.withContent(principal, projectId, version.sha256, documentId);
      if (existing) throw duplicateOf(existing);
    }
    const stored = await this.documents.insertVersion(principal, { id: version.versionId, documentId, s3Key: version.s3Key, size: version.size, sha256: version.sha256, contentType: version.contentType, uploadedBy: principal.userId });
    await this.documents.setCurrent(principal, documentId, { id: stored.id, sha256: stored.sha256, contentType: stored.contentType }, command.rejectDuplicate);
    await this.outbox.record(DocumentRepositoryEvents.versionAdded, { accountId: principal.accountId, projectId, documentId, versionId: stored.id });
    return stored;
  }
}
