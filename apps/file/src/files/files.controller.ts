import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CommitFileRequest,
  FileUploadReservation,
  FileDeleteReply,
  FileIdRequest,
  FileListReply,
  FilePreflightRequest,
  FileReply,
  FileShareReply,
  FileSubjects,
  ListFilesRequest,
  Principal,
  RenameFileRequest,
  ShareFileRequest,
} from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { CommitFileUseCase } from './commit-file.use-case';
import { FilesService } from './files.service';
import { ReserveFileUploadUseCase } from './reserve-file-upload.use-case';

@Controller()
export class FilesController {
  constructor(
    private readonly files: FilesService,
    private readonly reserveUpload: ReserveFileUploadUseCase,
    private readonly commitUpload: CommitFileUseCase,
  ) {}

  @MessagePattern(FileSubjects.preflight)
  preflight(@Payload() _request: FilePreflightRequest, @RpcPrincipal() principal: Principal): Promise<FileUploadReservation> {
    return this.reserveUpload.execute(principal);
  }

  @MessagePattern(FileSubjects.commit)
  commit(@Payload() request: CommitFileRequest, @RpcPrincipal() principal: Principal): Promise<FileReply> {
    return this.commitUpload.execute(principal, request);
  }

  @MessagePattern(FileSubjects.get)
  get(@Payload() request: FileIdRequest, @RpcPrincipal() principal: Principal): Promise<FileReply> {
    return this.files.get(principal, request.id);
  }

  @MessagePattern(FileSubjects.list)
  list(@Payload() request: ListFilesRequest, @RpcPrincipal() principal: Principal): Promise<FileListReply> {
    return this.files.list(principal, request);
  }

  @MessagePattern(FileSubjects.rename)
  rename(@Payload() request: RenameFileRequest, @RpcPrincipal() principal: Principal): Promise<FileReply> {
    return this.files.rename(principal, request);
  }

  @MessagePattern(FileSubjects.delete)
  delete(@Payload() request: FileIdRequest, @RpcPrincipal() principal: Principal): Promise<FileDeleteReply> {
    return this.files.delete(principal, request.id);
  }

  @MessagePattern(FileSubjects.share)
  share(@Payload() request: ShareFileRequest, @RpcPrincipal() principal: Principal): Promise<FileShareReply> {
    return this.files.share(principal, request);
  }
}
