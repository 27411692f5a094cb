import { Injectable } from '@nestjs/common';
import {
  CreateProjectRequest,
  CreateProjectTemplateRequest,
  DeletedReply,
  DocrepoPage,
  ListPageRequest,
  Principal,
  ProjectRoleName,
  ProjectTeamParams,
  ProjectTeamView,
  ProjectUserParams,
  ProjectUserView,
  ProjectView,
  PutProjectTeamRequest,
  PutProjectUserRequest,
  TemplateView,
  UpdateProjectRequest,
  DOCREPO_PAGE_SIZE_DEFAULT,
} from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { offsetOf, iso } from '../shared/pages';
import { pgError, UNIQUE_VIOLATION } from '../shared/pg-errors';
import { Template, TemplatesRepository } from '../templates/templates.repository';
import { CreateProjectUseCase } from './create-project.use-case';
import { IdentityDirectory } from './identity-directory';
import { ProjectAccess } from './project-access';
import { Project, ProjectRole } from './project.entities';
import { ProjectsRepository } from './projects.repository';

export function projectView(project: Project, role?: ProjectRole | null): ProjectView {
  return { id: project.id, name: project.name, templateId: project.templateId, createdBy: project.createdBy, ...(role ? { role } : {}), createdAt: iso(project.createdAt) };
}

function templateView(template: Template): TemplateView {
  return { id: template.id, name: template.name, folders: template.folders, fields: template.fields, members: template.members, createdAt: iso(template.createdAt) };
}

/** Projects, their members and teams, and templates. */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly projects: ProjectsRepository,
    private readonly templates: TemplatesRepository,
    private readonly access: ProjectAccess,
    private readonly identity: IdentityDirectory,
    private readonly createProject: CreateProjectUseCase,
  ) {}

  /** Any user of the account may create a project (and becomes its admin); a template is copied in. */
  async create(principal: Principal, request: CreateProjectRequest): Promise<ProjectView> {
    let template: Template | undefined;
    const members: Array<{ userId: string; email: string; role: ProjectRoleName }> = [];
    if (request.templateId) {
      template = await this.templates.find(principal, request.templateId);
      if (!template) throw DomainError.notFound('Template', { templateId: request.templateId });
      // Resolved before the transaction opens: no NATS call while rows are locked.
      for (const user of template.members.users ?? []) {
        const found = await this.identity.userByEmail(principal, user.email);
        if (found) members.push({ userId: found.id, email: found.email, role: user.role as ProjectRoleName });
      }
    }
    const project = await this.createProject.execute({ principal, name: request.name, templateId: request.templateId, template, members });
    return projectView(project, 'admin');
  }

  async list(principal: Principal, request: ListPageRequest): Promise<DocrepoPage<ProjectView>> {
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? DOCREPO_PAGE_SIZE_DEFAULT;
    const all = principal.roles.includes('admin');
    const teamIds = all ? [] : await this.identity.teamsOf(principal, await this.projects.grantedTeamIds(principal));
    const { items, total } = await this.projects.list(principal, { userId: principal.userId, all, teamIds }, { limit: pageSize, offset: offsetOf(page, pageSize) });
    return { items: items.map((project) => projectView(project, project.role ?? (all ? 'admin' : undefined))), page, pageSize, total };
  }

  async get(principal: Principal, projectId: string): Promise<ProjectView> {
    const project = await this.access.require(principal, projectId, 'read');
    return projectView(project, await this.access.roleOf(principal, project));
  }

  async update(principal: Principal, request: UpdateProjectRequest): Promise<ProjectView> {
    await this.access.require(principal, request.projectId, 'admin');
    if (request.name !== undefined) await this.projects.rename(principal, request.projectId, request.name);
    return this.get(principal, request.projectId);
  }

  async users(principal: Principal, projectId: string): Promise<ProjectUserView[]> {
    await this.access.require(principal, projectId, 'read');
    return (await this.projects.listUsers(principal, projectId)).map((user) => ({ ...user, addedAt: iso(user.addedAt) }));
  }

  async putUser(principal: Principal, request: PutProjectUserRequest): Promise<ProjectUserView[]> {
    await this.access.require(principal, request.projectId, 'admin');
    const user = await this.identity.userByEmail(principal, request.email);
    if (!user) throw DomainError.notFound('User', { email: request.email });
    try {
      await this.projects.setUserRole(principal, request.projectId, user.id, user.email, request.role ?? 'read');
    } catch (error) {
      if (pgError(error).code === UNIQUE_VIOLATION) throw DomainError.conflict('Another member of the project has this email', { email: request.email });
      throw error;
    }
    return this.users(principal, request.projectId);
  }

  async removeUser(principal: Principal, request: ProjectUserParams): Promise<DeletedReply> {
    await this.access.require(principal, request.projectId, 'admin');
    if (!(await this.projects.removeUserByEmail(principal, request.projectId, request.email))) throw DomainError.notFound('Project user', { email: request.email });
    return { deleted: true };
  }

  async teams(principal: Principal, projectId: string): Promise<ProjectTeamView[]> {
    await this.access.require(principal, projectId, 'read');
    return (await this.projects.listTeams(principal, projectId)).map((team) => ({ ...team, addedAt: iso(team.addedAt) }));
  }

  async team(principal: Principal, request: ProjectTeamParams): Promise<ProjectTeamView> {
    const team = (await this.teams(principal, request.projectId)).find((t) => t.teamId === request.teamId);
    if (!team) throw DomainError.notFound('Project team', { teamId: request.teamId });
    return team;
  }

  async putTeam(principal: Principal, request: PutProjectTeamRequest): Promise<ProjectTeamView> {
    await this.access.require(principal, request.projectId, 'admin');
    // The team must exist in identity, in this account.
    if (!(await this.identity.teamMembers(principal, request.teamId))) throw DomainError.notFound('Team', { teamId: request.teamId });
    await this.projects.setTeamRole(principal, request.projectId, request.teamId, request.role ?? 'read');
    return this.team(principal, request);
  }

  async removeTeam(principal: Principal, request: ProjectTeamParams): Promise<DeletedReply> {
    await this.access.require(principal, request.projectId, 'admin');
    if (!(await this.projects.removeTeam(principal, request.projectId, request.teamId))) throw DomainError.notFound('Project team', { teamId: request.teamId });
    return { deleted: true };
  }

  async listTemplates(principal: Principal): Promise<TemplateView[]> {
    return (await this.templates.list(principal)).map(templateView);
  }

  /** Account admins keep the templates. */
  async createTemplate(principal: Principal, request: CreateProjectTemplateRequest): Promise<TemplateView> {
    if (!principal.roles.includes('admin')) throw DomainError.forbidden('Only account admins create templates');
    for (const field of request.fields ?? []) {
      if ((field.type === 'select') !== (field.allowedValues !== undefined)) throw DomainError.validation(`Field "${field.name}": allowedValues is for (and required by) select fields`);
    }
    try {
      const template = await this.templates.create(principal, {
        name: request.name,
        folders: request.folders ?? [],
        fields: request.fields ?? [],
        members: { users: request.members?.users ?? [], teams: request.members?.teams ?? [] },
      });
      return templateView(template);
    } catch (error) {
      if (pgError(error).code === UNIQUE_VIOLATION) throw DomainError.conflict('A template with this name exists', { name: request.name });
      throw error;
    }
  }
}
