import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  CommitDocumentRequest,
  CommitDocumentVersionRequest,
  ContentView,
  DeletedReply,
  DocrepoPage,
  DocumentRepositoryEvents,
  DocumentView,
  ListDocumentsRequest,
  MoveDocumentParams,
  PreflightUploadRequest,
  Principal,
  ResolveContentRequest,
  StagedUploadDto,
  UpdateDocumentRequest,
  UploadPreflightReply,
  VersionParams,
  VersionView,
} from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { isStagingKey, ObjectStorage, Outbox, storageCall, Transactional } from '@quire/platform';
import { DocumentRepositoryEnv } from '../document-repository.env';
import { checkedFieldValue } from '../fields/field-value';
import { FieldsRepository } from '../fields/fields.repository';
import { FoldersRepository } from '../folders/folders.repository';
import { ProjectAccess } from '../projects/project-access';
import { offsetOf } from '../shared/pages';
import { FOREIGN_KEY_VIOLATION, pgError, UNIQUE_VIOLATION } from '../shared/pg-errors';
import { CommitUploadUseCase, duplicateOf, NewVersion } from './commit-upload.use-case';
import { DeleteVersionUseCase } from './delete-version.use-case';
import { contentTypeOf, documentNameOf, documentView, objectKeyOf, versionView } from './document-view';
import { DocumentsRepository } from './documents.repository';

/**
 * Documents and versions. Roles: read to list, get and download; write to upload, replace, move
 * and rename; admin to delete a document or a version.
 */
@Injectable()
export class DocumentsService {
  private readonly logger = new Logger(DocumentsService.name);

  constructor(
    private readonly documents: DocumentsRepository,
    private readonly folders: FoldersRepository,
    private readonly fields: FieldsRepository,
    private readonly access: ProjectAccess,
    private readonly storage: ObjectStorage,
    private readonly outbox: Outbox,
    private readonly commits: CommitUploadUseCase,
    private readonly versionDeletes: DeleteVersionUseCase,
    private readonly env: DocumentRepositoryEnv,
  ) {}

  /** Asked before the gateway reads the body: refused callers never send a byte to storage. */
  async preflight(principal: Principal, request: PreflightUploadRequest): Promise<UploadPreflightReply> {
    await this.access.require(principal, request.projectId, 'write');
    if (request.documentId && !(await this.documents.find(principal, request.projectId, request.documentId))) {
      throw DomainError.notFound('Document', { documentId: request.documentId });
    }
    return { maxBytes: this.env.DOCREPO_MAX_UPLOAD_BYTES };
  }

  async commitDocument(principal: Principal, request: CommitDocumentRequest): Promise<DocumentView> {
    const { projectId } = request;
    await this.access.require(principal, projectId, 'write');
    const name = request.name?.trim() || documentNameOf(request.file.fileName);
    if (!name || name.includes('/')) throw DomainError.validation('The document needs a name without "/"', { fields: { name: ['missing or invalid'] } });
    if (request.folderId && !(await this.folders.find(principal, projectId, request.folderId))) throw DomainError.notFound('Folder', { folderId: request.folderId });
    const fieldValues = await this.checkedFields(principal, projectId, request.fields ?? {});
    const documentId = randomUUID();
    const version = await this.placed(principal, projectId, documentId, request.file);
    try {
      await this.commits.newDocument({ principal, projectId, documentId, name, folderId: request.folderId ?? null, rejectDuplicate: request.rejectDuplicate, version, fieldValues });
    } catch (error) {
      await this.storage.deleteQuietly([version.s3Key]);
      throw await this.uploadError(principal, projectId, version.sha256, error);
    }
    await Promise.all([this.storage.deleteQuietly([request.file.key]), this.outbox.flush()]);
    return this.get(principal, projectId, documentId);
  }

  async commitVersion(principal: Principal, request: CommitDocumentVersionRequest): Promise<DocumentView> {
    const { projectId, documentId } = request;
    await this.access.require(principal, projectId, 'write');
    const version = await this.placed(principal, projectId, documentId, request.file);
    try {
      await this.commits.newVersion({ principal, projectId, documentId, rejectDuplicate: request.rejectDuplicate, version });
    } catch (error) {
      await this.storage.deleteQuietly([version.s3Key]);
      throw await this.uploadError(principal, projectId, version.sha256, error);
    }
    await Promise.all([this.storage.deleteQuietly([request.file.key]), this.outbox.flush()]);
    return this.get(principal, projectId, documentId);
  }

  async list(principal: Principal, request: ListDocumentsRequest): Promise<DocrepoPage<DocumentView>> {
    await this.access.require(principal, request.projectId, 'read');
    if (request.folderId && !(await this.folders.find(principal, request.projectId, request.folderId))) throw DomainError.notFound('Folder', { folderId: request.folderId });
    const { page, pageSize } = request;
    const { items, total } = await this.documents.list(
      principal,
      request.projectId,
      { folderId: request.folderId, afterDate: request.afterDate },
      { limit: pageSize, offset: offsetOf(page, pageSize) },
    );
    return { items: items.map((document) => documentView(document)), page, pageSize, total };
  }

  async get(principal: Principal, projectId: string, documentId: string): Promise<DocumentView> {
    await this.access.require(principal, projectId, 'read');
    const document = await this.documents.find(principal, projectId, documentId);
    if (!document) throw DomainError.notFound('Document', { documentId });
    return documentView(document, await this.fields.valuesOf(principal, projectId, documentId));
  }

  async update(principal: Principal, request: UpdateDocumentRequest): Promise<DocumentView> {
    await this.access.require(principal, request.projectId, 'write');
    if (!(await this.documents.find(principal, request.projectId, request.documentId))) throw DomainError.notFound('Document', { documentId: request.documentId });
    if (request.name !== undefined) await this.documents.rename(principal, request.projectId, request.documentId, request.name);
    return this.get(principal, request.projectId, request.documentId);
  }

  async move(principal: Principal, request: MoveDocumentParams): Promise<DocumentView> {
    await this.access.require(principal, request.projectId, 'write');
    await this.moveInTransaction(principal, request);
    await this.outbox.flush();
    return this.get(principal, request.projectId, request.documentId);
  }

  @Transactional()
  private async moveInTransaction(principal: Principal, request: MoveDocumentParams): Promise<void> {
    const { projectId, documentId, folderId } = request;
    if (!(await this.documents.lock(principal, projectId, documentId))) throw DomainError.notFound('Document', { documentId });
    if (!(await this.folders.find(principal, projectId, folderId))) throw DomainError.notFound('Folder', { folderId });
    await this.documents.move(principal, projectId, documentId, folderId);
    await this.outbox.record(DocumentRepositoryEvents.documentMoved, { accountId: principal.accountId, projectId, documentId, folderId });
  }

  async delete(principal: Principal, projectId: string, documentId: string): Promise<DeletedReply> {
    await this.access.require(principal, projectId, 'admin');
    const keys = await this.deleteInTransaction(principal, projectId, documentId);
    await Promise.all([this.storage.deleteQuietly(keys), this.outbox.flush()]);
    return { deleted: true };
  }

  @Transactional()
  private async deleteInTransaction(principal: Principal, projectId: string, documentId: string): Promise<string[]> {
    if (!(await this.documents.lock(principal, projectId, documentId))) throw DomainError.notFound('Document', { documentId });
    const keys = await this.documents.delete(principal, projectId, documentId);
    await this.outbox.record(DocumentRepositoryEvents.documentDeleted, { accountId: principal.accountId, projectId, documentId });
    return keys;
  }

  async versions(principal: Principal, projectId: string, documentId: string): Promise<VersionView[]> {
    await this.access.require(principal, projectId, 'read');
    if (!(await this.documents.find(principal, projectId, documentId))) throw DomainError.notFound('Document', { documentId });
    return (await this.documents.versions(principal, documentId)).map(versionView);
  }

  async deleteVersion(principal: Principal, request: VersionParams): Promise<DeletedReply> {
    await this.access.require(principal, request.projectId, 'admin');
    const key = await this.versionDeletes.execute({ principal, ...request });
    await Promise.all([this.storage.deleteQuietly([key]), this.outbox.flush()]);
    return { deleted: true };
  }

  /** Where a version's bytes are; the gateway streams them (no bytes over NATS). */
  async content(principal: Principal, request: ResolveContentRequest): Promise<ContentView> {
    await this.access.require(principal, request.projectId, 'read');
    const document = await this.documents.find(principal, request.projectId, request.documentId);
    if (!document) throw DomainError.notFound('Document', { documentId: request.documentId });
    const version = request.versionId ? await this.documents.version(principal, document.id, request.versionId) : document.version;
    if (!version) throw DomainError.notFound('Document version', { versionId: request.versionId });
    return { key: version.s3Key, size: Number(version.size), sha256: version.sha256, contentType: version.contentType, fileName: document.name, versionNumber: version.number };
  }

  /** Checks the staged object and copies it to the version's own key. */
  private async placed(principal: Principal, projectId: string, documentId: string, staged: StagedUploadDto): Promise<NewVersion> {
    if (!isStagingKey(staged.key)) throw DomainError.validation('Not a staged upload key');
    if (staged.size > this.env.DOCREPO_MAX_UPLOAD_BYTES) {
      throw new DomainError(ErrorCode.PayloadTooLarge, `A document may be at most ${this.env.DOCREPO_MAX_UPLOAD_BYTES} bytes`, { maxBytes: this.env.DOCREPO_MAX_UPLOAD_BYTES });
    }
    const object = await this.storage.head(staged.key);
    if (!object || object.size !== staged.size) throw DomainError.validation('The staged upload is missing or incomplete');
    const versionId = randomUUID();
    const s3Key = objectKeyOf(principal.accountId, projectId, documentId, versionId);
    await storageCall(this.logger, 'Copying a staged upload', () => this.storage.copy(staged.key, s3Key));
    return { versionId, s3Key, size: staged.size, sha256: staged.sha256, contentType: contentTypeOf(staged.detectedType, staged.declaredContentType) };
  }

  /** A lost race on the dedup index is a 409 naming the winner; a folder gone meanwhile a 404. */
  private async uploadError(principal: Principal, projectId: string, sha256: string, error: unknown): Promise<unknown> {
    const { code, constraint } = pgError(error);
    if (code === UNIQUE_VIOLATION && constraint === 'documents_dedup_uq') {
      const winner = await this.documents.withContent(principal, projectId, sha256);
      if (winner) return duplicateOf(winner);
    }
    if (code === FOREIGN_KEY_VIOLATION) return DomainError.notFound('Folder');
    return error;
  }

  /** Field values of an upload by field id or name, checked against their definitions; required ones must be there. */
  private async checkedFields(principal: Principal, projectId: string, values: Record<string, unknown>): Promise<Record<string, unknown>> {
    const definitions = await this.fields.list(principal, projectId);
    const checked: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      const field = definitions.find((d) => d.id === key || d.name === key);
      if (!field) throw DomainError.validation(`Unknown field "${key}"`, { fields: { fields: [`unknown field ${key}`] } });
      const stored = checkedFieldValue(field, value);
      if (stored !== null) checked[field.id] = stored;
    }
    for (const field of definitions) {
      if (field.required && !(field.id in checked)) throw DomainError.validation(`Field "${field.name}" is required`, { fieldId: field.id, fields: { fields: [`${field.name} is required`] } });
    }
    return checked;
  }
}
