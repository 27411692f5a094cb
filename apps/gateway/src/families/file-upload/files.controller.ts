import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import {
  CommitFileRequest,
  FileCategory,
  FileReply,
  FileSubjects,
  FileUploadReservation,
  Principal,
} from '@quire/contracts';
import { RpcClient } from '@quire/platform';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { FileSignatures } from '../../uploads/file-signatures';
import { UploadPipeline } from '../../uploads/upload-pipeline';
import { UploadSpec } from '../../uploads/upload-spec';
import { AccountCodeGuard } from './account-code.guard';
import { FileIdParams, ListFilesQuery, RenameFileBody, ShareFileBody } from './file-upload.dto';
import { toWireFile, WireFile } from './file-links';
import { FileClient, WireFileList } from './file-client';

/** Reading a ZIP directory by ranged GETs and recording the row; no bytes are copied. */
const COMMIT_TIMEOUT_MS = 30_000;

/** Multipart text fields of an upload besides the file. */
const UPLOAD_FIELDS = {
  'meta.category': { maxLength: 40, required: true },
  'meta.target.id': { maxLength: 64 },
  'meta.target.type': { maxLength: 20 },
};

/**
 * The upload's one file: any type the first bytes tell (the service checks it against the
 * extension and its list), limited by the category's limit when `meta.category` came first, and
 * by the largest category limit (the reservation's) when the file comes first — the spec's own
 * example sends the file first, so a file-first `user_document` must still take its 100 MiB
 * (ADR 019). A file-first upload over its category's limit is refused when the category
 * arrives, and its staged object is deleted.
 */
function uploadSpecFor(reservation: FileUploadReservation): UploadSpec {
  const byCategory: Record<string, number> = reservation.maxBytesByCategory;
  const tightest = Math.min(...Object.values(byCategory));
  return {
    files: {
      file: {
        description: 'an image, PDF, Word / Excel document or text file',
        signature: FileSignatures.knownOrText,
        maxBytesFor: (fields) => {
          const category = fields['meta.category'];
          if (category === undefined) return undefined;
          // An unknown category is refused at commit: it earns no more than the tightest limit meanwhile.
          return Object.hasOwn(byCategory, category) ? byCategory[category] : { maxBytes: tightest, reason: '(unknown meta.category)' };
        },
      },
    },
    fields: UPLOAD_FIELDS,
  };
}

/** The file-upload family (`/api_v3/files`): `{data}` envelopes, errors `{error: {code, message}}`. */
@ApiTags('file-upload')
@ApiSecurity('bearer')
@UseGuards(AccountCodeGuard)
@Controller('api_v3/files')
export class FilesController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly uploads: UploadPipeline,
    private readonly files: FileClient,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Upload a file (multipart: file, meta.category, meta.target.id, meta.target.type)' })
  async upload(@Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<{ data: WireFile }> {
    const context = { requestId, principal };
    const reply = await this.uploads.upload(request, {
      reserve: () => this.rpc.request<FileUploadReservation>(FileSubjects.preflight, {}, context),
      spec: uploadSpecFor,
      commit: ({ reservationId }, { files, fields }) =>
        this.rpc.request<FileReply>(
          FileSubjects.commit,
          {
            reservationId,
            files,
            category: fields['meta.category'] as FileCategory,
            targetId: fields['meta.target.id'],
            targetType: fields['meta.target.type'] as CommitFileRequest['targetType'],
          } satisfies CommitFileRequest,
          { ...context, timeoutMs: COMMIT_TIMEOUT_MS },
        ),
    });
    return { data: toWireFile(reply, request) };
  }

  @Get()
  @ApiOperation({ summary: 'List files of a target (page / per_page)' })
  list(@Query() query: ListFilesQuery, @Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<WireFileList> {
    return this.files.list(query, request, { requestId, principal });
  }

  @Get(':id')
  @ApiOperation({ summary: 'File info with a signed download link (fullpath)' })
  get(@Param() params: FileIdParams, @Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<{ data: WireFile }> {
    return this.files.get(params, request, { requestId, principal });
  }

  @Post(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rename a file (only `name` may change)' })
  rename(
    @Param() params: FileIdParams,
    @Body() body: RenameFileBody,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<{ data: WireFile }> {
    return this.files.rename(params, body, request, { requestId, principal });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a file (owner, provider or admin; only when is_deletable)' })
  delete(@Param() params: FileIdParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<{ data: true }> {
    return this.files.delete(params, { requestId, principal });
  }

  @Post(':id/share')
  @HttpCode(200)
  @ApiOperation({ summary: 'Share a user_document with users of the same account' })
  share(
    @Param() params: FileIdParams,
    @Body() body: ShareFileBody,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<{ data: { id: string; shared_with: string[] } }> {
    return this.files.share(params, body, { requestId, principal });
  }
}
