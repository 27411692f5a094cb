import { Body, Controller, Get, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import {
  CreateLabReportRequest,
  CreateTemplateRequest,
  EditSessionSubjects,
  LabReportReply,
  ListRequest,
  Principal,
  TemplateReply,
  UploadReservation,
} from '@quire/contracts';
import { RpcClient } from '@quire/platform';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { FileSignatures } from '../../uploads/file-signatures';
import { UploadPipeline } from '../../uploads/upload-pipeline';
import { UploadSpec } from '../../uploads/upload-spec';
import { Mounts } from '../families';
import { assertUserPrincipal } from './browser-principal';
import { WordEditClient } from './word-edit.client';
import { ApiWordEditErrors } from './word-edit.errors';

/** The .docx and its name; the file's limit is the reservation's. */
const templateUploadSpec: UploadSpec = {
  files: { file: { signature: FileSignatures.ooxml, description: 'a Word document (.docx)' } },
  fields: { name: { maxLength: 300, required: true } },
};

/** Reading a .docx directory by ranged GETs and recording the row; no bytes are copied. */
const COMMIT_TIMEOUT_MS = 30_000;

/**
 * Lab reports and report templates: not in the word-edit spec, but needed to use it. Under the
 * same mount (`/reports`, `/templates`; static segments win over `/{lab_report_id}`).
 */
@ApiTags('word-edit')
@ApiBearerAuth()
@Controller(Mounts['word-edit'].slice(1))
export class LabReportsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly uploads: UploadPipeline,
    private readonly wordEdit: WordEditClient,
  ) {}

  @Post('reports')
  @ApiOperation({ summary: 'Create a lab report' })
  @ApiCreatedResponse({ type: LabReportReply })
  @ApiWordEditErrors(400, 401, 403)
  createReport(@Body() body: CreateLabReportRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<LabReportReply> {
    return this.wordEdit.createReport(body, { requestId, principal });
  }

  @Get('reports')
  @ApiOperation({ summary: "The account's lab reports, newest first" })
  @ApiOkResponse({ type: LabReportReply, isArray: true })
  @ApiWordEditErrors(400, 401, 403)
  listReports(@Query() query: ListRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<LabReportReply[]> {
    return this.wordEdit.listReports(query, { requestId, principal });
  }

  @Post('templates')
  @ApiOperation({ summary: 'Upload a report template (.docx, multipart: name + file)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['name', 'file'],
      properties: { name: { type: 'string', maxLength: 300 }, file: { type: 'string', format: 'binary', description: '.docx, at most 50 MB' } },
    },
  })
  @ApiCreatedResponse({ type: TemplateReply })
  @ApiWordEditErrors(400, 401, 403, 413, 503)
  async createTemplate(@Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<TemplateReply> {
    const context = { requestId, principal: assertUserPrincipal(principal) };
    return this.uploads.upload(request, {
      reserve: () => this.rpc.request<UploadReservation>(EditSessionSubjects.reserveTemplateUpload, {}, context),
      spec: () => templateUploadSpec,
      commit: ({ reservationId }, { files, fields }) =>
        this.rpc.request<TemplateReply>(EditSessionSubjects.createTemplate, { reservationId, files, name: fields['name']! } satisfies CreateTemplateRequest, {
          ...context,
          timeoutMs: COMMIT_TIMEOUT_MS,
        }),
    });
  }

  @Get('templates')
  @ApiOperation({ summary: "The account's report templates, newest first" })
  @ApiOkResponse({ type: TemplateReply, isArray: true })
  @ApiWordEditErrors(400, 401, 403)
  listTemplates(@Query() query: ListRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<TemplateReply[]> {
    return this.wordEdit.listTemplates(query, { requestId, principal });
  }
}
