import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  CreateFieldBody,
  CreateFolderBody,
  CreateProjectBody,
  CreateTemplateBody,
  DeletedReply,
  DocrepoPage,
  DocumentRepositorySubjects as S,
  FieldView,
  FolderNameParams,
  FolderParams,
  FolderView,
  MemberRoleBody,
  PageQuery,
  Principal,
  ProjectParams,
  ProjectTeamParams,
  ProjectTeamView,
  ProjectUserParams,
  ProjectUserView,
  ProjectView,
  TemplateView,
  UpdateProjectBody,
} from '@quire/contracts';
import { RpcClient } from '@quire/platform';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { optionalBody } from './docrepo-body';

const project = { id: '0f8fad5b-d9cb-469f-a165-70867728950e', name: 'Trial 7', templateId: null, createdBy: '7c9e6679-7425-40de-944b-e07fc1f90ae7', role: 'admin', createdAt: '2026-12-02T10:00:00.000Z' };

/** Projects, their users and teams, templates, folders and field definitions (documents spec; ADR 010). */
@ApiTags('documents')
@ApiSecurity('X-Api-Token')
@Controller('api/v1')
export class ProjectsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('projects')
  @ApiOperation({ summary: 'Add a project {name, templateId?}; 201; the caller becomes its admin; a template copies folders, fields and members' })
  @ApiBody({ type: CreateProjectBody, examples: { plain: { value: { name: 'Trial 7' } } } })
  create(@Body() body: CreateProjectBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ProjectView> {
    return this.rpc.request(S.createProject, body, { requestId, principal });
  }

  @Get('projects')
  @ApiOperation({ summary: 'Projects the caller can see: {items, page, pageSize, total}; ?page=1&pageSize=50 (max 200)', description: `Example item: ${JSON.stringify(project)}` })
  list(@Query() query: PageQuery, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DocrepoPage<ProjectView>> {
    return this.rpc.request(S.listProjects, query, { requestId, principal });
  }

  @Get('projects/:projectId')
  @ApiOperation({ summary: 'One project (read role)', description: `Example: ${JSON.stringify(project)}` })
  get(@Param() params: ProjectParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ProjectView> {
    return this.rpc.request(S.getProject, params, { requestId, principal });
  }

  @Patch('projects/:projectId')
  @ApiOperation({ summary: 'Rename a project {name} (admin role); POST does the same' })
  update(@Param() params: ProjectParams, @Body() body: UpdateProjectBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ProjectView> {
    return this.rpc.request(S.updateProject, { ...params, ...body }, { requestId, principal });
  }

  @Post('projects/:projectId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Same as PATCH (the spec: "resource endpoints also accept POST requests")' })
  updateByPost(@Param() params: ProjectParams, @Body() body: UpdateProjectBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ProjectView> {
    return this.update(params, body, principal, requestId);
  }

  @Get('projects/:projectId/teams')
  @ApiOperation({ summary: 'Teams of a project with their project role: [{teamId, role, addedAt}]' })
  teams(@Param() params: ProjectParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ProjectTeamView[]> {
    return this.rpc.request(S.listProjectTeams, params, { requestId, principal });
  }

  @Get('projects/:projectId/teams/:teamId')
  @ApiOperation({ summary: 'One team of a project: {teamId, role, addedAt}' })
  team(@Param() params: ProjectTeamParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ProjectTeamView> {
    return this.rpc.request(S.getProjectTeam, params, { requestId, principal });
  }

  @Put('projects/:projectId/teams/:teamId')
  @ApiOperation({ summary: 'Add a team of the account to the project (admin role); body {role} optional, no body = read' })
  putTeam(@Param() params: ProjectTeamParams, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ProjectTeamView> {
    return this.rpc.request(S.putProjectTeam, { ...params, ...optionalBody(MemberRoleBody, body) }, { requestId, principal });
  }

  @Delete('projects/:projectId/teams/:teamId')
  @ApiOperation({ summary: 'Remove a team from the project (admin role): {deleted: true}' })
  deleteTeam(@Param() params: ProjectTeamParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DeletedReply> {
    return this.rpc.request(S.deleteProjectTeam, params, { requestId, principal });
  }

  @Get('projects/:projectId/users')
  @ApiOperation({ summary: 'Users of a project: [{userId, email, role, addedAt}]' })
  users(@Param() params: ProjectParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ProjectUserView[]> {
    return this.rpc.request(S.listProjectUsers, params, { requestId, principal });
  }

  @Put('projects/:projectId/users/:email')
  @ApiOperation({ summary: 'Add a user of the account (by email) to the project (admin role); body {role} optional, no body = read; answers the users' })
  putUser(@Param() params: ProjectUserParams, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ProjectUserView[]> {
    return this.rpc.request(S.putProjectUser, { ...params, ...optionalBody(MemberRoleBody, body) }, { requestId, principal });
  }

  @Delete('projects/:projectId/users/:email')
  @ApiOperation({ summary: 'Remove a user from the project (admin role)' })
  deleteUser(@Param() params: ProjectUserParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DeletedReply> {
    return this.rpc.request(S.deleteProjectUser, params, { requestId, principal });
  }

  @Get('templates')
  @ApiOperation({ summary: 'Project templates of the account: [{id, name, folders, fields, members}]' })
  templates(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<TemplateView[]> {
    return this.rpc.request(S.listTemplates, {}, { requestId, principal });
  }

  @Post('templates')
  @ApiOperation({ summary: 'Account admin: add a project template (not in the spec tables; needed to use them)' })
  @ApiBody({ type: CreateTemplateBody, examples: { t: { value: { name: 'Litigation', folders: [{ name: 'Pleadings', children: [{ name: 'Drafts' }] }], fields: [{ name: 'Status', type: 'select', allowedValues: ['draft', 'final'] }], members: { users: [{ email: 'api@firm.test', role: 'write' }] } } } } })
  createTemplate(@Body() body: CreateTemplateBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<TemplateView> {
    return this.rpc.request(S.createTemplate, body, { requestId, principal });
  }

  @Get('projects/:projectId/folders')
  @ApiOperation({ summary: 'Folders of a project: {items: [{id, name, parentId, createdAt}], page, pageSize, total}' })
  folders(@Param() params: ProjectParams, @Query() query: PageQuery, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DocrepoPage<FolderView>> {
    return this.rpc.request(S.listFolders, { ...params, ...query }, { requestId, principal });
  }

  @Post('projects/:projectId/folders')
  @ApiOperation({ summary: 'Add a folder {name, parentId?} (write role); 201; same name under one parent → 409' })
  @ApiBody({ type: CreateFolderBody, examples: { top: { value: { name: 'the folder' } } } })
  createFolder(@Param() params: ProjectParams, @Body() body: CreateFolderBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<FolderView> {
    return this.rpc.request(S.createFolder, { ...params, ...body }, { requestId, principal });
  }

  @Get('projects/:projectId/folders/:name')
  @ApiOperation({ summary: 'A folder by its (URL-encoded) name, e.g. folders/the%20folder; a top-level one first' })
  folderByName(@Param() params: FolderNameParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<FolderView> {
    return this.rpc.request(S.getFolderByName, params, { requestId, principal });
  }

  @Delete('projects/:projectId/folders/:folderId')
  @ApiOperation({ summary: 'Delete an empty folder (admin role); one with folders or documents → 409' })
  deleteFolder(@Param() params: FolderParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DeletedReply> {
    return this.rpc.request(S.deleteFolder, params, { requestId, principal });
  }

  @Get('projects/:projectId/fields')
  @ApiOperation({ summary: 'Metadata field definitions: [{id, name, type, required, allowedValues}]' })
  fields(@Param() params: ProjectParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<FieldView[]> {
    return this.rpc.request(S.listFields, params, { requestId, principal });
  }

  @Post('projects/:projectId/fields')
  @ApiOperation({ summary: 'Define a metadata field (admin role): {name, type: string|number|date|boolean|select, required?, allowedValues? (select only)}; 201' })
  @ApiBody({ type: CreateFieldBody, examples: { select: { value: { name: 'Status', type: 'select', allowedValues: ['draft', 'final'] } } } })
  createField(@Param() params: ProjectParams, @Body() body: CreateFieldBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<FieldView> {
    return this.rpc.request(S.createField, { ...params, ...body }, { requestId, principal });
  }
}
