import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CommitPackageSourceFileRequest,
  CreateViewingPackageBody,
  Principal,
  ReserveSourceFileReply,
  ViewingPackageCreatorReply,
  ViewingPackageProcessRequest,
  ViewingPackageReply,
  ViewingPackageRequest,
  ViewingSubjects,
} from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { ObjectStorage, RpcPrincipal } from '@quire/platform';
import { DocumentSources } from '../sessions/document-sources';
import { viewingInputError } from '../sessions/viewing-errors';
import { ViewingSessionEnv } from '../viewing-session.env';
import { PackageInfo, packageSourcePrefix, ViewingPackagesService } from './viewing-packages.service';

function processNotFound(): DomainError {
  return DomainError.notFound('Viewing package creator process', { errorCode: 'ProcessNotFound', in: 'path', at: 'processId' });
}

function packageNotFound(): DomainError {
  return DomainError.notFound('Viewing package', { errorCode: 'DocumentNotFound', in: 'path', at: 'documentId' });
}

/**
 * `/pas/v2/viewingPackageCreators` and `/pas/v2/viewingPackages` (issue 14 item 6). Server calls:
 * every handler is scoped by the caller's account; another account's process or package is 404.
 */
@Controller()
export class ViewingPackagesController {
  constructor(
    private readonly packages: ViewingPackagesService,
    private readonly documents: DocumentSources,
    private readonly storage: ObjectStorage,
    private readonly env: ViewingSessionEnv,
  ) {}

  @MessagePattern(ViewingSubjects.createPackage)
  async create(@Payload() body: CreateViewingPackageBody, @RpcPrincipal() principal: Principal): Promise<ViewingPackageCreatorReply> {
    const { source } = body.input;
    const lifetime = body.input.viewingPackageLifetime ?? this.env.VIEWING_PACKAGE_LIFETIME_SECONDS;
    let processId: string;
    if (source.type === 'document') {
      const object = await this.documents.resolve(principal, source.fileName!, 'input.source.fileName');
      ({ processId } = await this.packages.startForDocument(principal, source.documentId, { ...object, fileName: source.fileName }, lifetime));
    } else {
      ({ processId } = await this.packages.awaitUpload(principal, source.documentId, source.displayName, lifetime));
    }
    return this.reply(await this.described(principal, processId), body);
  }

  @MessagePattern(ViewingSubjects.packageProcess)
  async process(@Payload() request: ViewingPackageProcessRequest, @RpcPrincipal() principal: Principal): Promise<ViewingPackageCreatorReply> {
    return this.reply(await this.described(principal, request.processId));
  }

  @MessagePattern(ViewingSubjects.reservePackageSourceFile)
  async reserve(@Payload() request: ViewingPackageProcessRequest, @RpcPrincipal() principal: Principal): Promise<ReserveSourceFileReply> {
    const info = await this.described(principal, request.processId);
    if (!info.awaitingUpload) throw viewingInputError('CannotChangeDocument', 'The viewing package creator already has its source document');
    return { objectKey: `${packageSourcePrefix(info.processId)}${randomUUID()}`, maxBytes: this.env.VIEWING_MAX_SOURCE_BYTES };
  }

  @MessagePattern(ViewingSubjects.commitPackageSourceFile)
  async commit(@Payload() request: CommitPackageSourceFileRequest, @RpcPrincipal() principal: Principal): Promise<Record<string, never>> {
    const key = request.objectKey;
    if (!key.startsWith(packageSourcePrefix(request.processId))) {
      throw viewingInputError('InvalidInput', 'The object key was not reserved for this process', { in: 'body' });
    }
    try {
      const info = await this.described(principal, request.processId);
      if (!info.awaitingUpload) throw viewingInputError('CannotChangeDocument', 'The viewing package creator already has its source document');
      const stored = await this.storage.head(key);
      if (!stored || stored.size !== request.sizeBytes) throw viewingInputError('InvalidInput', 'The uploaded file was not stored', { in: 'body' });
      const attached = await this.packages.attachUpload(principal, info.processId, {
        objectKey: key,
        sizeBytes: request.sizeBytes,
        sha256: request.sha256,
        contentType: request.contentType,
        name: info.displayName ?? 'upload',
      }, info.displayName);
      // A racing upload won, or the creator was replaced meanwhile.
      if (!attached) throw viewingInputError('CannotChangeDocument', 'The viewing package creator already has its source document');
      return {};
    } catch (error) {
      await this.storage.deleteQuietly([key]);
      throw error;
    }
  }

  @MessagePattern(ViewingSubjects.getPackage)
  async get(@Payload() request: ViewingPackageRequest, @RpcPrincipal() principal: Principal): Promise<ViewingPackageReply> {
    const info = await this.packages.describe(principal, { documentId: request.documentId });
    if (!info) throw packageNotFound();
    return { documentId: info.documentId, processId: info.processId, state: info.state, expirationDateTime: info.expiresAt.toISOString() };
  }

  @MessagePattern(ViewingSubjects.deletePackage)
  async remove(@Payload() request: ViewingPackageRequest, @RpcPrincipal() principal: Principal): Promise<Record<string, never>> {
    if (!(await this.packages.delete(principal, request.documentId))) throw packageNotFound();
    return {};
  }

  private async described(principal: Principal, processId: string): Promise<PackageInfo> {
    const info = await this.packages.describe(principal, { processId });
    if (!info) throw processNotFound();
    return info;
  }

  private reply(info: PackageInfo, body?: CreateViewingPackageBody): ViewingPackageCreatorReply {
    const expirationDateTime = info.expiresAt.toISOString();
    const source = body
      ? { ...body.input.source }
      : { type: info.sourceType, documentId: info.documentId, ...(info.fileName ? { fileName: info.fileName } : {}), ...(info.displayName ? { displayName: info.displayName } : {}) };
    return {
      processId: info.processId,
      expirationDateTime,
      input: { source, viewingPackageLifetime: info.lifetimeSeconds },
      state: info.state,
      percentComplete: info.percentComplete,
      ...(info.state === 'complete' ? { output: { documentId: info.documentId, packageExpirationDateTime: expirationDateTime } } : {}),
      ...(info.state === 'error' ? { errorCode: 'ConversionFailed' } : {}),
    };
  }
}
