import { Injectable } from '@nestjs/common';
import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Project, ProjectRole } from './project.entities';
import { ProjectsRepository } from './projects.repository';

const RANK: Record<ProjectRole, number> = { read: 1, write: 2, admin: 3 };

/** Team membership lives in identity; the service asks it (over NATS in the running service). */
export abstract class TeamDirectory {
  abstract teamsOf(principal: Principal, teamIds: string[]): Promise<string[]>;
}

/**
 * The one place that decides what a principal may do in a project. A project of another account
 * is not found (404); a project of the caller's account without a sufficient role is 403.
 * Account admins count as project admins.
 */
@Injectable()
export class ProjectAccess {
  constructor(
    private readonly projects: ProjectsRepository,
    private readonly teams: TeamDirectory,
  ) {}

  async require(principal: Principal, projectId: string, needed: ProjectRole): Promise<Project> {
    const project = await this.projects.find(principal, projectId);
    if (!project) throw DomainError.notFound('Project', { projectId });
    const role = await this.roleOf(principal, project);
    if (!role || RANK[role] < RANK[needed]) {
      throw DomainError.forbidden(`This needs the ${needed} role in the project`, { projectId, role: role ?? null });
    }
    return project;
  }

  async roleOf(principal: Principal, project: Project): Promise<ProjectRole | undefined> {
    if (principal.roles.includes('admin')) return 'admin';
    let best = await this.projects.userRole(principal, project.id, principal.userId);
    if (best === 'admin') return best;
    const teamRoles = await this.projects.teamRoles(principal, project.id);
    const better = teamRoles.filter((t) => !best || RANK[t.role] > RANK[best]);
    if (better.length) {
      const mine = new Set(await this.teams.teamsOf(principal, better.map((t) => t.teamId)));
      for (const t of better) if (mine.has(t.teamId) && (!best || RANK[t.role] > RANK[best])) best = t.role;
    }
    return best;
  }
}
