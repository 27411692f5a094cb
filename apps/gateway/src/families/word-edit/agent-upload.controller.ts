import { Controller, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { isEditSessionPrincipal } from '@quire/auth';
import {
  AgentUploadFields,
  CommitVersionReply,
  CommitVersionRequest,
  EditIdRequest,
  EditSessionSubjects,
  KeepAliveReply,
  Principal,
  UploadReservation,
} from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { RpcClient } from '@quire/platform';
import { AcceptsEditSessionToken, CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { RateLimit } from '../../throttling/rate-limits';
import { FileSignatures } from '../../uploads/file-signatures';
import { UploadPipeline } from '../../uploads/upload-pipeline';
import { UploadSpec } from '../../uploads/upload-spec';
import { Mounts } from '../families';
import { ApiWordEditErrors } from './word-edit.errors';

export const EXTERNAL_EDIT_HEADER = 'x-is-external-edit-request';

/** Both files, every time: a save is the .docx and its PDF together, or nothing. Limits: the reservation's. */
export const agentUploadSpec: UploadSpec = {
  files: {
    [AgentUploadFields.word]: { signature: FileSignatures.ooxml, description: 'a Word document (.docx)' },
    [AgentUploadFields.pdf]: { signature: FileSignatures.pdf, description: 'a PDF document' },
  },
};

/** Reading a .docx directory by ranged GETs and recording the version; no bytes are copied. */
const COMMIT_TIMEOUT_MS = 30_000;

/**
 * `POST /agent/{edit_id}`: the Word agent's save. Checked before any byte is stored (session
 * token, header, reservation), streamed to the version's final keys, then committed by the
 * edit-session service, which checks the .docx directory and the PDF header and records the
 * version (once per reservation).
 */
@ApiTags('word-edit')
@ApiBearerAuth()
@AcceptsEditSessionToken()
@Controller(`${Mounts['word-edit'].slice(1)}/agent`)
export class AgentUploadController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly uploads: UploadPipeline,
  ) {}

  @Post(':edit_id')
  @HttpCode(200)
  @RateLimit('agentUpload')
  @ApiOperation({ summary: "Upload the saved .docx and its PDF (the Word agent; edit-session token)" })
  @ApiHeader({ name: 'X-IS-EXTERNAL-EDIT-REQUEST', required: true, schema: { type: 'string', enum: ['true'] } })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: [AgentUploadFields.word, AgentUploadFields.pdf],
      properties: {
        [AgentUploadFields.word]: { type: 'string', format: 'binary', description: '.docx, at most 50 MB' },
        [AgentUploadFields.pdf]: { type: 'string', format: 'binary', description: 'PDF, at most 100 MB' },
      },
    },
  })
  @ApiOkResponse({ type: CommitVersionReply })
  @ApiWordEditErrors(400, 401, 403, 413, 429, 503)
  async upload(
    @Param() params: EditIdRequest,
    @Headers(EXTERNAL_EDIT_HEADER) externalEdit: string | undefined,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<CommitVersionReply> {
    assertAgentRequest(externalEdit, principal);
    const context = { requestId, principal };
    return this.uploads.upload(request, {
      reserve: () => this.rpc.request<UploadReservation>(EditSessionSubjects.preflightUpload, params, context),
      spec: () => agentUploadSpec,
      commit: ({ reservationId }, { files }) =>
        this.rpc.request<CommitVersionReply>(EditSessionSubjects.commitVersion, { edit_id: params.edit_id, reservationId, files } satisfies CommitVersionRequest, {
          ...context,
          timeoutMs: COMMIT_TIMEOUT_MS,
        }),
    });
  }

  /** The agent's keepalive: renews the session's lease (EDIT_SESSION_LEASE_SECONDS). */
  @Post(':edit_id/keepalive')
  @HttpCode(200)
  @ApiOperation({ summary: "Renew the edit session's lease (the Word agent, while the document is open; edit-session token)" })
  @ApiHeader({ name: 'X-IS-EXTERNAL-EDIT-REQUEST', required: true, schema: { type: 'string', enum: ['true'] } })
  @ApiOkResponse({ type: KeepAliveReply })
  @ApiWordEditErrors(400, 401, 403, 429, 503)
  keepAlive(
    @Param() params: EditIdRequest,
    @Headers(EXTERNAL_EDIT_HEADER) externalEdit: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<KeepAliveReply> {
    assertAgentRequest(externalEdit, principal);
    return this.rpc.request<KeepAliveReply>(EditSessionSubjects.keepAlive, params, { requestId, principal });
  }
}

/** Agent routes need the agent's header and its edit-session token. */
function assertAgentRequest(externalEdit: string | undefined, principal: Principal): void {
  if (externalEdit?.trim().toLowerCase() !== 'true') {
    throw new DomainError(ErrorCode.BadRequest, 'X-IS-EXTERNAL-EDIT-REQUEST: true is required', { reason: 'missing X-IS-EXTERNAL-EDIT-REQUEST header' });
  }
  if (!isEditSessionPrincipal(principal)) {
    throw DomainError.forbidden('Agent requests need the edit-session token', { reason: 'not an edit-session token' });
  }
}
