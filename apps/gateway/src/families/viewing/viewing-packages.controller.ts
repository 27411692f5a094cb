import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import {
  CreateViewingPackageBody,
  Principal,
  ReserveSourceFileReply,
  VIEWING_DOCUMENT_ID_PATTERN,
  ViewingPackageCreatorReply,
  ViewingPackageReply,
  ViewingSubjects,
} from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { ObjectStorage, RpcClient } from '@quire/platform';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { GatewayEnv } from '../../gateway.env';
import { originalContentType, streamToStorage } from './raw-source-body';

/** Long enough for a document lookup and the rendition start. */
const CREATE_TIMEOUT_MS = 30_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id names nothing: the same 404 as an unknown one. */
function pathProcessId(value: string): string {
  if (!UUID.test(value)) throw DomainError.notFound('Viewing package creator process', { errorCode: 'ProcessNotFound', in: 'path', at: 'processId' });
  return value.toLowerCase();
}

function pathDocumentId(value: string): string {
  if (!VIEWING_DOCUMENT_ID_PATTERN.test(value)) throw DomainError.notFound('Viewing package', { errorCode: 'DocumentNotFound', in: 'path', at: 'documentId' });
  return value;
}

/**
 * Viewing package creators and packages (issue 14 item 6): server calls, `Accusoft-Secret` or any
 * Quire credential (the family's). Package rules live in the viewing-session service.
 */
@ApiTags('viewing')
@Controller('pas/v2')
export class ViewingPackagesController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly storage: ObjectStorage,
    private readonly env: GatewayEnv,
  ) {}

  @Post('viewingPackageCreators')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start a viewing package creator (document or upload source)' })
  create(@Body() body: CreateViewingPackageBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ViewingPackageCreatorReply> {
    return this.rpc.request(ViewingSubjects.createPackage, body, { requestId, principal, timeoutMs: CREATE_TIMEOUT_MS });
  }

  @Get('viewingPackageCreators/:processId')
  @ApiOperation({ summary: 'State of a viewing package creator (queued | processing | complete | error)' })
  process(@Param('processId') processId: string, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ViewingPackageCreatorReply> {
    return this.rpc.request(ViewingSubjects.packageProcess, { processId: pathProcessId(processId) }, { requestId, principal });
  }

  /** Reserve (rules checked before a byte is read), stream to S3, commit (rules checked again). */
  @Put('viewingPackageCreators/:processId/SourceFile')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upload the document of an upload viewing package creator (raw body)' })
  async sourceFile(@Param('processId') id: string, @Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<void> {
    const processId = pathProcessId(id);
    const reservation = await this.rpc.request<ReserveSourceFileReply>(ViewingSubjects.reservePackageSourceFile, { processId }, { requestId, principal });
    const contentType = originalContentType(request);
    const streamed = await streamToStorage(this.storage, reservation.objectKey, request, {
      maxBytes: reservation.maxBytes,
      contentType,
      idleTimeoutMs: this.env.UPLOAD_IDLE_TIMEOUT_SECONDS * 1000,
    });
    try {
      await this.rpc.request(
        ViewingSubjects.commitPackageSourceFile,
        { processId, objectKey: reservation.objectKey, contentType, ...streamed },
        { requestId, principal, timeoutMs: CREATE_TIMEOUT_MS },
      );
    } catch (error) {
      await this.storage.deleteQuietly([reservation.objectKey]);
      throw error;
    }
  }

  @Get('viewingPackages/:documentId')
  @ApiOperation({ summary: 'A viewing package of the account' })
  get(@Param('documentId') documentId: string, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ViewingPackageReply> {
    return this.rpc.request(ViewingSubjects.getPackage, { documentId: pathDocumentId(documentId) }, { requestId, principal });
  }

  @Delete('viewingPackages/:documentId')
  @ApiOperation({ summary: 'Delete a viewing package (sessions can no longer be made from it)' })
  async remove(@Param('documentId') documentId: string, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<void> {
    await this.rpc.request(ViewingSubjects.deletePackage, { documentId: pathDocumentId(documentId) }, { requestId, principal });
  }
}
