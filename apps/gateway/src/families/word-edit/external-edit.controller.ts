import { Body, Controller, Get, HttpCode, Param, Post, Put, Redirect } from '@nestjs/common';
import { ApiBearerAuth, ApiFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ActiveSessionReply,
  EditIdRequest,
  EndSessionReply,
  LabReportIdRequest,
  Principal,
  StartedSessionReply,
  StartSessionBody,
  VersionFileRequest,
  VersionReply,
} from '@quire/contracts';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { RateLimit } from '../../throttling/rate-limits';
import { Mounts } from '../families';
import { WordEditClient } from './word-edit.client';
import { ApiWordEditErrors } from './word-edit.errors';

/** The browser side of the word-edit spec: sessions of one lab report, and its versions. */
@ApiTags('word-edit')
@ApiBearerAuth()
@Controller(Mounts['word-edit'].slice(1))
export class ExternalEditController {
  constructor(private readonly wordEdit: WordEditClient) {}

  @Get(':lab_report_id')
  @RateLimit('sessionRetrieve')
  @ApiOperation({ summary: 'The active edit session of a lab report (auth_token only for its author)' })
  @ApiOkResponse({ type: ActiveSessionReply })
  @ApiWordEditErrors(400, 401, 403, 404, 429)
  active(@Param() params: LabReportIdRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ActiveSessionReply> {
    return this.wordEdit.active(params, { requestId, principal });
  }

  @Post(':lab_report_id')
  @HttpCode(200)
  @RateLimit('sessionCreate')
  @ApiOperation({ summary: 'Start an external Word edit session; answers the token and the winword:// launch URL' })
  @ApiOkResponse({ type: StartedSessionReply })
  @ApiWordEditErrors(400, 401, 403, 409, 429)
  start(
    @Param() params: LabReportIdRequest,
    @Body() body: StartSessionBody,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<StartedSessionReply> {
    return this.wordEdit.start(params, body, { requestId, principal });
  }

  @Put(':edit_id')
  @ApiOperation({ summary: 'End an edit session (its author only)' })
  @ApiOkResponse({ type: EndSessionReply })
  @ApiWordEditErrors(400, 401, 403, 404)
  end(@Param() params: EditIdRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<EndSessionReply> {
    return this.wordEdit.end(params, { requestId, principal });
  }

  @Post(':edit_id/takeover')
  @HttpCode(200)
  @RateLimit('sessionCreate')
  @ApiOperation({
    summary: 'Take over an active session (roles admin or report_editor): new author, new token; the old token stops working',
  })
  @ApiOkResponse({ type: StartedSessionReply })
  @ApiWordEditErrors(400, 401, 403, 404, 429)
  takeOver(@Param() params: EditIdRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<StartedSessionReply> {
    return this.wordEdit.takeOver(params, { requestId, principal });
  }

  @Get(':lab_report_id/versions')
  @RateLimit('sessionRetrieve')
  @ApiOperation({ summary: 'Version history of a lab report, newest first' })
  @ApiOkResponse({ type: VersionReply, isArray: true })
  @ApiWordEditErrors(400, 401, 403, 404, 429)
  versions(@Param() params: LabReportIdRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<VersionReply[]> {
    return this.wordEdit.versions(params, { requestId, principal });
  }

  @Get(':lab_report_id/versions/:version_id/:kind')
  @RateLimit('sessionRetrieve')
  @Redirect()
  @ApiOperation({ summary: "Download a version's .docx or .pdf: 302 to a presigned URL (EDIT_SESSION_PRESIGN_SECONDS)" })
  @ApiFoundResponse({ description: 'Location: presigned S3 GET URL' })
  @ApiWordEditErrors(400, 401, 403, 404, 429)
  download(@Param() params: VersionFileRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<{ url: string; statusCode: number }> {
    return this.wordEdit.versionFileRedirect(params, { requestId, principal });
  }
}
