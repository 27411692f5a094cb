import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CommitDocumentRequest,
  CommitDocumentVersionRequest,
  CreateFieldRequest,
  CreateFolderRequest,
  CreateProjectRequest,
  CreateProjectTemplateRequest,
  DocumentParams,
  DocumentRepositorySubjects as S,
  FolderNameParams,
  FolderParams,
  ListDocumentsRequest,
  ListFoldersRequest,
  ListPageRequest,
  MoveDocumentParams,
  ReserveDocumentUploadRequest,
  Principal,
  ProjectParams,
  ProjectTeamParams,
  ProjectUserParams,
  PutFieldValueRequest,
  PutProjectTeamRequest,
  PutProjectUserRequest,
  ResolveContentRequest,
  UpdateDocumentRequest,
  UpdateProjectRequest,
  VersionParams,
} from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { DocumentsService } from './documents/documents.service';
import { FieldsService } from './fields/fields.service';
import { FoldersService } from './folders/folders.service';
import { ProjectsService } from './projects/projects.service';

/** Every request of the service: one call each (ADR 010 has the wire contract). */
@Controller()
export class DocumentRepositoryController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly folders: FoldersService,
    private readonly fields: FieldsService,
    private readonly documents: DocumentsService,
  ) {}

  @MessagePattern(S.createProject)
  createProject(@Payload() r: CreateProjectRequest, @RpcPrincipal() p: Principal) {
    return this.projects.create(p, r);
  }

  @MessagePattern(S.listProjects)
  listProjects(@Payload() r: ListPageRequest, @RpcPrincipal() p: Principal) {
    return this.projects.list(p, r);
  }

  @MessagePattern(S.getProject)
  getProject(@Payload() r: ProjectParams, @RpcPrincipal() p: Principal) {
    return this.projects.get(p, r.projectId);
  }

  @MessagePattern(S.updateProject)
  updateProject(@Payload() r: UpdateProjectRequest, @RpcPrincipal() p: Principal) {
    return this.projects.update(p, r);
  }

  @MessagePattern(S.listProjectTeams)
  listProjectTeams(@Payload() r: ProjectParams, @RpcPrincipal() p: Principal) {
    return this.projects.teams(p, r.projectId);
  }

  @MessagePattern(S.getProjectTeam)
  getProjectTeam(@Payload() r: ProjectTeamParams, @RpcPrincipal() p: Principal) {
    return this.projects.team(p, r);
  }

  @MessagePattern(S.putProjectTeam)
  putProjectTeam(@Payload() r: PutProjectTeamRequest, @RpcPrincipal() p: Principal) {
    return this.projects.putTeam(p, r);
  }

  @MessagePattern(S.deleteProjectTeam)
  deleteProjectTeam(@Payload() r: ProjectTeamParams, @RpcPrincipal() p: Principal) {
    return this.projects.removeTeam(p, r);
  }

  @MessagePattern(S.listProjectUsers)
  listProjectUsers(@Payload() r: ProjectParams, @RpcPrincipal() p: Principal) {
    return this.projects.users(p, r.projectId);
  }

  @MessagePattern(S.putProjectUser)
  putProjectUser(@Payload() r: PutProjectUserRequest, @RpcPrincipal() p: Principal) {
    return this.projects.putUser(p, r);
  }

  @MessagePattern(S.deleteProjectUser)
  deleteProjectUser(@Payload() r: ProjectUserParams, @RpcPrincipal() p: Principal) {
    return this.projects.removeUser(p, r);
  }

  @MessagePattern(S.listTemplates)
  listTemplates(@RpcPrincipal() p: Principal) {
    return this.projects.listTemplates(p);
  }

  @MessagePattern(S.createTemplate)
  createTemplate(@Payload() r: CreateProjectTemplateRequest, @RpcPrincipal() p: Principal) {
    return this.projects.createTemplate(p, r);
  }

  @MessagePattern(S.listFolders)
  listFolders(@Payload() r: ListFoldersRequest, @RpcPrincipal() p: Principal) {
    return this.folders.list(p, r.projectId, r.page, r.pageSize);
  }

  @MessagePattern(S.createFolder)
  createFolder(@Payload() r: CreateFolderRequest, @RpcPrincipal() p: Principal) {
    return this.folders.create(p, r);
  }

  @MessagePattern(S.getFolderByName)
  getFolderByName(@Payload() r: FolderNameParams, @RpcPrincipal() p: Principal) {
    return this.folders.byName(p, r.projectId, r.name);
  }

  @MessagePattern(S.deleteFolder)
  deleteFolder(@Payload() r: FolderParams, @RpcPrincipal() p: Principal) {
    return this.folders.delete(p, r.projectId, r.folderId);
  }

  @MessagePattern(S.listFields)
  listFields(@Payload() r: ProjectParams, @RpcPrincipal() p: Principal) {
    return this.fields.list(p, r.projectId);
  }

  @MessagePattern(S.createField)
  createField(@Payload() r: CreateFieldRequest, @RpcPrincipal() p: Principal) {
    return this.fields.create(p, r);
  }

  @MessagePattern(S.putFieldValue)
  putFieldValue(@Payload() r: PutFieldValueRequest, @RpcPrincipal() p: Principal) {
    return this.fields.putValue(p, r);
  }

  @MessagePattern(S.reserveUpload)
  reserveUpload(@Payload() r: ReserveDocumentUploadRequest, @RpcPrincipal() p: Principal) {
    return this.documents.reserve(p, r);
  }

  @MessagePattern(S.commitDocument)
  commitDocument(@Payload() r: CommitDocumentRequest, @RpcPrincipal() p: Principal) {
    return this.documents.commitDocument(p, r);
  }

  @MessagePattern(S.commitVersion)
  commitVersion(@Payload() r: CommitDocumentVersionRequest, @RpcPrincipal() p: Principal) {
    return this.documents.commitVersion(p, r);
  }

  @MessagePattern(S.listDocuments)
  listDocuments(@Payload() r: ListDocumentsRequest, @RpcPrincipal() p: Principal) {
    return this.documents.list(p, r);
  }

  @MessagePattern(S.getDocument)
  getDocument(@Payload() r: DocumentParams, @RpcPrincipal() p: Principal) {
    return this.documents.get(p, r.projectId, r.documentId);
  }

  @MessagePattern(S.updateDocument)
  updateDocument(@Payload() r: UpdateDocumentRequest, @RpcPrincipal() p: Principal) {
    return this.documents.update(p, r);
  }

  @MessagePattern(S.moveDocument)
  moveDocument(@Payload() r: MoveDocumentParams, @RpcPrincipal() p: Principal) {
    return this.documents.move(p, r);
  }

  @MessagePattern(S.deleteDocument)
  deleteDocument(@Payload() r: DocumentParams, @RpcPrincipal() p: Principal) {
    return this.documents.delete(p, r.projectId, r.documentId);
  }

  @MessagePattern(S.listVersions)
  listVersions(@Payload() r: DocumentParams, @RpcPrincipal() p: Principal) {
    return this.documents.versions(p, r.projectId, r.documentId);
  }

  @MessagePattern(S.deleteVersion)
  deleteVersion(@Payload() r: VersionParams, @RpcPrincipal() p: Principal) {
    return this.documents.deleteVersion(p, r);
  }

  @MessagePattern(S.resolveContent)
  resolveContent(@Payload() r: ResolveContentRequest, @RpcPrincipal() p: Principal) {
    return this.documents.content(p, r);
  }
}
