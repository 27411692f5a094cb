import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CommitSourceFileRequest,
  CreateViewingSessionBody,
  DocumentAttributesRequest,
  PageImageRequest,
  PageRequest,
  Principal,
  ReserveSourceFileRequest,
  TextRequest,
  ViewerRequest,
  ViewingSessionIdRequest,
  ViewingSubjects,
} from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { CreateViewingSessionUseCase } from './create-viewing-session.use-case';
import { PagesService } from './pages.service';
import { SourceFilesService } from './source-files.service';
import { ViewingSessionsService } from './viewing-sessions.service';

@Controller()
export class ViewingSessionsController {
  constructor(
    private readonly create: CreateViewingSessionUseCase,
    private readonly sessions: ViewingSessionsService,
    private readonly sourceFiles: SourceFilesService,
    private readonly pages: PagesService,
  ) {}

  @MessagePattern(ViewingSubjects.createSession)
  createSession(@Payload() body: CreateViewingSessionBody, @RpcPrincipal() principal: Principal) {
    return this.create.execute(principal, body);
  }

  @MessagePattern(ViewingSubjects.deleteSession)
  deleteSession(@Payload() request: ViewingSessionIdRequest, @RpcPrincipal() principal: Principal) {
    return this.sessions.delete(principal, request.viewingSessionId);
  }

  @MessagePattern(ViewingSubjects.reserveSourceFile)
  reserve(@Payload() request: ReserveSourceFileRequest, @RpcPrincipal() principal: Principal) {
    return this.sourceFiles.reserve(principal, request);
  }

  @MessagePattern(ViewingSubjects.commitSourceFile)
  commit(@Payload() request: CommitSourceFileRequest, @RpcPrincipal() principal: Principal) {
    return this.sourceFiles.commit(principal, request);
  }

  // Viewer calls: no principal; the session id is the credential (PagesService).
  @MessagePattern(ViewingSubjects.getSourceFile)
  sourceFile(@Payload() request: ViewingSessionIdRequest) {
    return this.sourceFiles.location(request);
  }

  @MessagePattern(ViewingSubjects.viewerSession)
  viewerSession(@Payload() request: ViewerRequest) {
    return this.pages.viewerSession(request);
  }

  @MessagePattern(ViewingSubjects.documentAttributes)
  documentAttributes(@Payload() request: DocumentAttributesRequest) {
    return this.pages.documentAttributes(request);
  }

  @MessagePattern(ViewingSubjects.pageAttributes)
  pageAttributes(@Payload() request: PageRequest) {
    return this.pages.pageAttributes(request);
  }

  @MessagePattern(ViewingSubjects.pageImage)
  pageImage(@Payload() request: PageImageRequest) {
    return this.pages.pageImage(request);
  }

  @MessagePattern(ViewingSubjects.text)
  text(@Payload() request: TextRequest) {
    return this.pages.text(request);
  }
}
