import { Injectable } from '@nestjs/common';
import {
  ActiveSessionReply,
  CreateLabReportRequest,
  EditIdRequest,
  EditSessionSubjects,
  EndSessionReply,
  LabReportIdRequest,
  LabReportReply,
  ListRequest,
  Principal,
  StartedSessionReply,
  StartSessionBody,
  StartSessionRequest,
  TemplateReply,
  VersionFileRequest,
  VersionFileUrlReply,
  VersionReply,
} from '@quire/contracts';
import { RpcCallContext, RpcClient } from '@quire/platform';
import { assertUserPrincipal } from './browser-principal';

/** Who calls a browser route: a user (an agent's edit-session token is refused, 403). */
export interface BrowserCall {
  requestId: string;
  principal: Principal;
}

/**
 * The edit-session service as the word-edit browser routes see it: one method per route, the RPC
 * call with the path parameters merged into the body, and the browser-only check.
 */
@Injectable()
export class WordEditClient {
  constructor(private readonly rpc: RpcClient) {}

  active(params: LabReportIdRequest, call: BrowserCall): Promise<ActiveSessionReply> {
    return this.rpc.request(EditSessionSubjects.getActiveSession, params, this.context(call));
  }

  start(params: LabReportIdRequest, body: StartSessionBody, call: BrowserCall): Promise<StartedSessionReply> {
    const request: StartSessionRequest = { ...body, lab_report_id: params.lab_report_id };
    return this.rpc.request(EditSessionSubjects.startSession, request, this.context(call));
  }

  end(params: EditIdRequest, call: BrowserCall): Promise<EndSessionReply> {
    return this.rpc.request(EditSessionSubjects.endSession, params, this.context(call));
  }

  takeOver(params: EditIdRequest, call: BrowserCall): Promise<StartedSessionReply> {
    return this.rpc.request(EditSessionSubjects.takeOverSession, params, this.context(call));
  }

  versions(params: LabReportIdRequest, call: BrowserCall): Promise<VersionReply[]> {
    return this.rpc.request(EditSessionSubjects.listVersions, params, this.context(call));
  }

  /** A `@Redirect()` answer: 302 to the presigned URL of the version's file. */
  async versionFileRedirect(params: VersionFileRequest, call: BrowserCall): Promise<{ url: string; statusCode: number }> {
    const reply = await this.rpc.request<VersionFileUrlReply>(EditSessionSubjects.versionFileUrl, params, this.context(call));
    return { url: reply.url, statusCode: 302 };
  }

  createReport(body: CreateLabReportRequest, call: BrowserCall): Promise<LabReportReply> {
    return this.rpc.request(EditSessionSubjects.createReport, body, this.context(call));
  }

  listReports(query: ListRequest, call: BrowserCall): Promise<LabReportReply[]> {
    return this.rpc.request(EditSessionSubjects.listReports, query, this.context(call));
  }

  listTemplates(query: ListRequest, call: BrowserCall): Promise<TemplateReply[]> {
    return this.rpc.request(EditSessionSubjects.listTemplates, query, this.context(call));
  }

  private context(call: BrowserCall): RpcCallContext {
    return { requestId: call.requestId, principal: assertUserPrincipal(call.principal) };
  }
}
