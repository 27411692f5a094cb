import { Injectable } from '@nestjs/common';
import { Principal } from '@quire/contracts';
import { Transactional } from '@quire/platform';
import { Project } from './project.entities';
import { ProjectsRepository } from './projects.repository';

export interface CreateProjectCommand {
  principal: Principal;
  name: string;
  templateId?: string;
}

/** A project and its creator's admin membership, together or not at all. */
@Injectable()
export class CreateProjectUseCase {
  constructor(private readonly projects: ProjectsRepository) {}

  @Transactional()
  execute(command: CreateProjectCommand): Promise<Project> {
    const { principal } = command;
    return this.projects.create(principal, {
      name: command.name,
      templateId: command.templateId ?? null,
      createdBy: principal.userId,
      // The member list shows emails; a principal without one (a service token) is listed by id.
      creatorEmail: principal.email ?? principal.userId,
    });
  }
}
