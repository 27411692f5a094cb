import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CommitFileRequest,
  FileDeleteReply,
  FileIdRequest,
  FileListReply,
  FilePreflightReply,
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
import { FilesService } from './files.service';

@Controller()
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @MessagePattern(FileSubjects.preflight)
  preflight(@Payload() _request: FilePreflightRequest, @RpcPrincipal() _principal: Principal): FilePreflightReply {
    return this.files.preflight();
  }

  @MessagePattern(FileSubjects.commit)
  commit(@Payload() request: CommitFileRequest, @RpcPrincipal() principal: Principal): Promise<FileReply> {
    return this.files.commit(principal, request);
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
