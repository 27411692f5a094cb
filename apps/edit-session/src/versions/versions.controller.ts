import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CommitVersionReply,
  CommitVersionRequest,
  EditIdRequest,
  EditSessionSubjects,
  LabReportIdRequest,
  Principal,
  VersionFileRequest,
  VersionFileUrlReply,
  VersionReply,
} from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { VersionsService } from './versions.service';

@Controller()
export class VersionsController {
  constructor(private readonly versions: VersionsService) {}

  @MessagePattern(EditSessionSubjects.preflightUpload)
  preflight(@Payload() request: EditIdRequest, @RpcPrincipal() principal: Principal): Promise<{ allowed: true }> {
    return this.versions.preflight(principal, request.edit_id);
  }

  @MessagePattern(EditSessionSubjects.commitVersion)
  commit(@Payload() request: CommitVersionRequest, @RpcPrincipal() principal: Principal): Promise<CommitVersionReply> {
    return this.versions.commit(principal, request);
  }

  @MessagePattern(EditSessionSubjects.listVersions)
  list(@Payload() request: LabReportIdRequest, @RpcPrincipal() principal: Principal): Promise<VersionReply[]> {
    return this.versions.list(principal, request.lab_report_id);
  }

  @MessagePattern(EditSessionSubjects.versionFileUrl)
  fileUrl(@Payload() request: VersionFileRequest, @RpcPrincipal() principal: Principal): Promise<VersionFileUrlReply> {
    return this.versions.fileUrl(principal, request);
  }
}
