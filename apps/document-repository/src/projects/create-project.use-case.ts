import { Injectable } from '@nestjs/common';
import { Principal, ProjectRoleName } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Transactional } from '@quire/platform';
import { FieldsRepository } from '../fields/fields.repository';
import { FoldersRepository } from '../folders/folders.repository';
import { pgError, FOREIGN_KEY_VIOLATION } from '../shared/pg-errors';
import { Template, TemplateFolder } from '../templates/templates.repository';
import { Project } from './project.entities';
import { ProjectsRepository } from './projects.repository';

export interface CreateProjectCommand {
  principal: Principal;
  name: string;
  templateId?: string;
  /** The template read by the caller; its folders, fields and members are copied. */
  template?: Template;
  /** The template's users, resolved to identity ids by the caller. */
  members?: Array<{ userId: string; email: string; role: ProjectRoleName }>;
}

/** A project, its creator's admin membership and its template's contents, together or not at all. */
@Injectable()
export class CreateProjectUseCase {
  constructor(
    private readonly projects: ProjectsRepository,
    private readonly folders: FoldersRepository,
    private readonly fields: FieldsRepository,
  ) {}

  @Transactional()
  async execute(command: CreateProjectCommand): Promise<Project> {
    const { principal, template } = command;
    let project: Project;
    try {
      project = await this.projects.create(principal, {
        name: command.name,
        templateId: command.templateId ?? null,
        createdBy: principal.userId,
        // The member list shows emails; a principal without one (a service token) is listed by id.
        creatorEmail: principal.email ?? principal.userId,
      });
    } catch (error) {
      if (pgError(error).code === FOREIGN_KEY_VIOLATION && command.templateId) throw DomainError.notFound('Template', { templateId: command.templateId });
      throw error;
    }
    if (!template) return project;
    await this.copyFolders(principal, project.id, template.folders, null);
    for (const field of template.fields) {
      await this.fields.create(principal, project.id, { name: field.name, type: field.type as never, required: field.required ?? false, allowedValues: field.allowedValues ?? null });
    }
    for (const member of command.members ?? []) {
      if (member.userId === principal.userId) continue;
      await this.projects.setUserRole(principal, project.id, member.userId, member.email, member.role);
    }
    for (const team of template.members.teams ?? []) await this.projects.setTeamRole(principal, project.id, team.teamId, team.role as never);
    return project;
  }

  private async copyFolders(principal: Principal, projectId: string, folders: TemplateFolder[], parentId: string | null): Promise<void> {
    for (const folder of folders) {
      const created = await this.folders.create(principal, projectId, folder.name, parentId);
      await this.copyFolders(principal, projectId, folder.children ?? [], created.id);
    }
  }
}
