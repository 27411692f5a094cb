import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
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
  Principal,
  ReceivedFile,
  ReserveDocumentUploadRequest,
  ResolveContentRequest,
  UpdateDocumentRequest,
  UploadReservation,
  VersionParams,
  VersionView,
} from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { assertReceived, assertWithinLimit, ObjectStorage, Outbox, receivedField, Transactional, UploadReservations } from '@quire/platform';
import { DocumentRepositoryEnv } from '../document-repository.env';
import { checkedFieldValue } from '../fields/field-value';
import { FieldsRepository } from '../fields/fields.repository';
import { FoldersRepository } from '../folders/folders.repository';
import { ProjectAccess } from '../projects/project-access';
import { offsetOf } from '../shared/pages';
import { CommitUploadUseCase, NewVersion } from './commit-upload.use-case';
import { DeleteVersionUseCase } from './delete-version.use-case';
import { contentTypeOf, documentNameOf, documentView, objectKeyOf, versionView } from './document-view';
import { DocumentsRepository } from './documents.repository';

/** Reservation purposes: a new document, or a new version of one. */
export const DOCUMENT_UPLOAD = 'document';
export const VERSION_UPLOAD = 'document-version';

/**
 * Documents and versions. Roles: read to list, get and download; write to upload, replace, move
 * and rename; admin to delete a document or a version.
 */
@Injectable()
export class DocumentsService {
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
    private readonly reservations: UploadReservations,
  ) {}

  /**
   * The upload's preflight (asked before the gateway reads a byte): write role, the document when
   * replacing, then a reservation of the new version's final key under the size limit.
   */
  async reserve(principal: Principal, request: ReserveDocumentUploadRequest): Promise<UploadReservation> {
    await this.access.require(principal, request.projectId, 'write');
    if (request.documentId && !(await this.documents.find(principal, request.projectId, request.documentId))) {
      throw DomainError.notFound('Document', { documentId: request.documentId });
    }
    const key = objectKeyOf(principal.accountId, request.projectId, request.documentId ?? randomUUID(), randomUUID());
    const purpose = request.documentId ? VERSION_UPLOAD : DOCUMENT_UPLOAD;
    const reservation = await this.reservations.reserve(principal, purpose, [key], this.env.UPLOAD_RESERVATION_TTL_SECONDS);
    return { reservationId: reservation.id, parts: [{ field: 'file', key, maxBytes: this.env.DOCREPO_MAX_UPLOAD_BYTES }], expiresAt: reservation.expiresAt.getTime() };
  }

  /** Once per reservation (a retry gets the first answer); a refusal deletes the written object. */
  async commitDocument(principal: Principal, request: CommitDocumentRequest): Promise<DocumentView> {
    const reply = await this.reservations.commitOnce(principal, request.reservationId, DOCUMENT_UPLOAD, async (reservation) => {
      const { projectId } = request;
      await this.access.require(principal, projectId, 'write');
      const { file, ids } = await this.received(principal, projectId, reservation.keys[0]!, request.files, undefined);
      const name = request.name?.trim() || documentNameOf(file.fileName);
      if (!name || name.includes('/')) throw DomainError.validation('The document needs a name without "/"', { fields: { name: ['missing or invalid'] } });
      if (request.folderId && !(await this.folders.find(principal, projectId, request.folderId))) throw DomainError.notFound('Folder', { folderId: request.folderId });
      const fieldValues = await this.checkedFields(principal, projectId, request.fields ?? {});
      await this.commits.newDocument({ principal, projectId, documentId: ids.documentId, name, folderId: request.folderId ?? null, rejectDuplicate: request.rejectDuplicate, version: this.versionOf(file, ids.versionId), fieldValues });
      return { reply: await this.view(principal, projectId, ids.documentId) };
    });
    await this.outbox.flush();
    return reply;
  }

  async commitVersion(principal: Principal, request: CommitDocumentVersionRequest): Promise<DocumentView> {
    const reply = await this.reservations.commitOnce(principal, request.reservationId, VERSION_UPLOAD, async (reservation) => {
      const { projectId, documentId } = request;
      await this.access.require(principal, projectId, 'write');
      const { file, ids } = await this.received(principal, projectId, reservation.keys[0]!, request.files, documentId);
      await this.commits.newVersion({ principal, projectId, documentId, rejectDuplicate: request.rejectDuplicate, version: this.versionOf(file, ids.versionId) });
      return { reply: await this.view(principal, projectId, documentId) };
    });
    await this.outbox.flush();
    return reply;
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

  /** The file written at the reservation's key, and the document / version ids the key names. */
  private async received(principal: Principal, projectId: string, key: string, files: ReceivedFile[], documentId: string | undefined) {
    const file = receivedField(files, 'file');
    const [, account, project, document, version] = key.split('/');
    // The key was reserved for this account and project (and document, on a replace).
    if (account !== principal.accountId || project !== projectId || (documentId !== undefined && document !== documentId)) {
      throw new DomainError(ErrorCode.BadRequest, 'Not a key of this upload', { reason: 'key not reserved for this upload' });
    }
    assertWithinLimit(file, this.env.DOCREPO_MAX_UPLOAD_BYTES);
    await assertReceived(this.storage, file, (candidate) => candidate === key);
    return { file, ids: { documentId: document!, versionId: version! } };
  }

  private versionOf(file: ReceivedFile, versionId: string): NewVersion {
    return { versionId, s3Key: file.key, size: file.size, sha256: file.sha256, contentType: contentTypeOf(file.detectedContentType, file.declaredContentType) };
  }

  /** The document as `get` answers it, without the access check (the caller made it). */
  private async view(principal: Principal, projectId: string, documentId: string): Promise<DocumentView> {
    const document = await this.documents.find(principal, projectId, documentId);
    if (!document) throw DomainError.notFound('Document', { documentId });
    return documentView(document, await this.fields.valuesOf(principal, projectId, documentId));
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
