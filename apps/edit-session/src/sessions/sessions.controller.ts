import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ActiveSessionReply,
  EditIdRequest,
  EditSessionSubjects,
  EndSessionReply,
  KeepAliveReply,
  LabReportIdRequest,
  Principal,
  StartedSessionReply,
  StartSessionRequest,
} from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @MessagePattern(EditSessionSubjects.getActiveSession)
  active(@Payload() request: LabReportIdRequest, @RpcPrincipal() principal: Principal): Promise<ActiveSessionReply> {
    return this.sessions.active(principal, request.lab_report_id);
  }

  @MessagePattern(EditSessionSubjects.startSession)
  start(@Payload() request: StartSessionRequest, @RpcPrincipal() principal: Principal): Promise<StartedSessionReply> {
    return this.sessions.start(principal, request);
  }

  @MessagePattern(EditSessionSubjects.endSession)
  end(@Payload() request: EditIdRequest, @RpcPrincipal() principal: Principal): Promise<EndSessionReply> {
    return this.sessions.end(principal, request.edit_id);
  }

  @MessagePattern(EditSessionSubjects.takeOverSession)
  takeOver(@Payload() request: EditIdRequest, @RpcPrincipal() principal: Principal): Promise<StartedSessionReply> {
    return this.sessions.takeOver(principal, request.edit_id);
  }

  @MessagePattern(EditSessionSubjects.keepAlive)
  keepAlive(@Payload() request: EditIdRequest, @RpcPrincipal() principal: Principal): Promise<KeepAliveReply> {
    return this.sessions.keepAlive(principal, request.edit_id);
  }
}
