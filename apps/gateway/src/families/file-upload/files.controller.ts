import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { FilePreflightReply, FileReply, FileSubjects, Principal } from '@quire/contracts';
import { RpcClient } from '@quire/platform';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { detectFileTypeOrText } from '../../uploads/file-signatures';
import { UploadPipeline } from '../../uploads/upload-pipeline';
import { UploadSpec } from '../../uploads/upload-spec';
import { AccountCodeGuard } from './account-code.guard';
import { FileIdParams, ListFilesQuery, RenameFileBody, ShareFileBody } from './file-upload.dto';
import { toWireFile, WireFile } from './file-links';
import { FileClient, WireFileList } from './file-client';

const COMMIT_TIMEOUT_MS = 30_000;

/** Multipart text fields of an upload besides the file. */
const UPLOAD_FIELDS = {
  'meta.category': { maxLength: 40, required: true },
  'meta.target.id': { maxLength: 64 },
  'meta.target.type': { maxLength: 20 },
};

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
    const { maxBytes } = await this.rpc.request<FilePreflightReply>(FileSubjects.preflight, {}, context);
    // The type comes from the bytes; the service checks it against the extension and its list.
    let detectedType: string | undefined;
    const spec: UploadSpec = {
      files: {
        file: {
          maxBytes,
          description: 'an image, PDF, Word / Excel document or text file',
          signature: (head) => (detectedType = detectFileTypeOrText(head)) !== undefined,
        },
      },
      fields: UPLOAD_FIELDS,
    };
    const { files, fields } = await this.uploads.receive(request, spec);
    const staged = files[0]!;
    const reply = await this.uploads.commit(files, () =>
      this.rpc.request<FileReply>(
        FileSubjects.commit,
        {
          file: { key: staged.key, size: staged.size, sha256: staged.sha256, fileName: staged.fileName, detectedType },
          category: fields['meta.category'],
          targetId: fields['meta.target.id'],
          targetType: fields['meta.target.type'],
        },
        // The service copies the object within S3 before it answers: allow for large files.
        { ...context, timeoutMs: COMMIT_TIMEOUT_MS },
      ),
    );
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
