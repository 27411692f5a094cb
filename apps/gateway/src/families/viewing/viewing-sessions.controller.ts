import { Body, Controller, Delete, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import {
  CreateViewingSessionBody,
  Principal,
  ReserveSourceFileReply,
  SourceFileSlot,
  ViewingSessionCreatedReply,
  ViewingSubjects,
} from '@quire/contracts';
import { ObjectStorage, RpcClient } from '@quire/platform';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { originalContentType, streamToStorage } from './raw-source-body';
import { invalid, pathSessionId } from './viewing-query';

/** Long enough for a document lookup, a url fetch and the first rendition step. */
const CREATE_TIMEOUT_MS = 30_000;

/**
 * Server-to-server session calls (viewing spec): `Accusoft-Secret` or any Quire credential.
 * Session rules live in the viewing-session service; this only moves bytes and validated DTOs.
 */
@ApiTags('viewing')
@Controller('pas')
export class ViewingSessionsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly storage: ObjectStorage,
  ) {}

  @Post('ViewingSession')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a viewing session (document, url, upload, viewingPackage or comparison source)' })
  create(@Body() body: CreateViewingSessionBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ViewingSessionCreatedReply> {
    return this.rpc.request(ViewingSubjects.createSession, body, { requestId, principal, timeoutMs: CREATE_TIMEOUT_MS });
  }

  @Delete('ViewingSession/:id')
  @ApiOperation({ summary: 'Revoke a viewing session (its id stops working at once)' })
  async remove(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<void> {
    await this.rpc.request(ViewingSubjects.deleteSession, { viewingSessionId: pathSessionId(id) }, { requestId, principal });
  }

  @Put('ViewingSession/:id/SourceFile')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upload the document of an upload session (raw body)' })
  async sourceFile(@Param('id') id: string, @Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<void> {
    await this.upload(pathSessionId(id), 'single', request, principal, requestId);
  }

  @Put('v2/viewingSessions/:id/sourceFile/:slot')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upload the original or revised document of a comparison session (raw body)' })
  async comparisonFile(
    @Param('id') id: string,
    @Param('slot') slot: string,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<void> {
    const which = slot.toLowerCase();
    if (which !== 'original' && which !== 'revised') throw invalid('path', 'slot', 'The slot is original or revised');
    await this.upload(pathSessionId(id, 'viewingSessionId', 'bare'), which, request, principal, requestId);
  }

  /** Reserve (rules checked before a byte is read), stream to S3, commit (rules checked again). */
  private async upload(viewingSessionId: string, slot: SourceFileSlot, request: FastifyRequest, principal: Principal, requestId: string): Promise<void> {
    const reservation = await this.rpc.request<ReserveSourceFileReply>(ViewingSubjects.reserveSourceFile, { viewingSessionId, slot }, { requestId, principal });
    const contentType = originalContentType(request);
    const streamed = await streamToStorage(this.storage, reservation.objectKey, request.body, reservation.maxBytes, contentType);
    try {
      await this.rpc.request(
        ViewingSubjects.commitSourceFile,
        { viewingSessionId, slot, objectKey: reservation.objectKey, contentType, ...streamed },
        { requestId, principal, timeoutMs: CREATE_TIMEOUT_MS },
      );
    } catch (error) {
      await this.storage.deleteQuietly([reservation.objectKey]);
      throw error;
    }
  }
}
