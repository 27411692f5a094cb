import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CommitVersionReply,
  CommitVersionRequest,
  EditIdRequest,
  EditSessionSubjects,
  LabReportIdRequest,
  Principal,
  UploadReservation,
  VersionFileRequest,
  VersionFileUrlReply,
  VersionReply,
} from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { CommitAgentUploadUseCase } from './commit-agent-upload.use-case';
import { ReserveAgentUploadUseCase } from './reserve-agent-upload.use-case';
import { VersionsService } from './versions.service';

@Controller()
export class VersionsController {
  constructor(
    private readonly versions: VersionsService,
    private readonly reserveUpload: ReserveAgentUploadUseCase,
    private readonly commitUpload: CommitAgentUploadUseCase,
  ) {}

  @MessagePattern(EditSessionSubjects.preflightUpload)
  preflight(@Payload() request: EditIdRequest, @RpcPrincipal() principal: Principal): Promise<UploadReservation> {
    return this.reserveUpload.execute(principal, request.edit_id);
  }

  @MessagePattern(EditSessionSubjects.commitVersion)
  commit(@Payload() request: CommitVersionRequest, @RpcPrincipal() principal: Principal): Promise<CommitVersionReply> {
    return this.commitUpload.execute(principal, request);
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
