import { Injectable } from '@nestjs/common';
import { requireDirectoryReader, requireUserAdmin } from '@quire/auth';
import { CreateTeamBody, Principal, RoleView, TeamMemberRequest, TeamView, UserView } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { uniqueViolation, UsersRepository, userView } from '../users/users.repository';
import { DirectoryRepository } from './directory.repository';
import { TeamsRepository } from './teams.repository';

/** Roles and teams of the caller's account (documents family). */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly directory: DirectoryRepository,
    private readonly teamsRepository: TeamsRepository,
    private readonly users: UsersRepository,
  ) {}

  async roles(principal: Principal): Promise<RoleView[]> {
    requireDirectoryReader(principal);
    const roles = await this.directory.roles(principal);
    return roles.map((r) => ({ name: r.name, description: r.description }));
  }

  async teams(principal: Principal): Promise<TeamView[]> {
    requireDirectoryReader(principal);
    return this.teamsRepository.listWithMemberCounts(principal);
  }

  async createTeam(principal: Principal, body: CreateTeamBody): Promise<TeamView> {
    requireUserAdmin(principal);
    const id = await this.teamsRepository.create(principal, body.name).catch((error: unknown) => {
      throw uniqueViolation(error) ? DomainError.conflict('A team with this name already exists', { field: 'name' }) : error;
    });
    return { id, name: body.name, memberCount: 0 };
  }

  async members(principal: Principal, teamId: string): Promise<UserView[]> {
    requireDirectoryReader(principal);
    await this.requireTeam(principal, teamId);
    const views: UserView[] = [];
    for (const userId of await this.teamsRepository.memberIds(principal, teamId)) {
      const user = await this.users.byId(principal, userId);
      if (user) views.push(userView(user));
    }
    return views;
  }

  /** Idempotent: adding a member twice leaves one membership. */
  async addMember(principal: Principal, request: TeamMemberRequest): Promise<UserView[]> {
    requireUserAdmin(principal);
    await this.requireTeam(principal, request.teamId);
    const user = await this.users.byEmail(principal, request.email);
    if (!user) throw DomainError.notFound('User');
    await this.teamsRepository.addMember(principal, request.teamId, user.id);
    return this.members(principal, request.teamId);
  }

  async removeMember(principal: Principal, request: TeamMemberRequest): Promise<UserView[]> {
    requireUserAdmin(principal);
    await this.requireTeam(principal, request.teamId);
    const user = await this.users.byEmail(principal, request.email);
    if (!user || !(await this.teamsRepository.removeMember(principal, request.teamId, user.id))) throw DomainError.notFound('Team member');
    return this.members(principal, request.teamId);
  }

  private async requireTeam(principal: Principal, teamId: string): Promise<void> {
    if (!(await this.teamsRepository.exists(principal, teamId))) throw DomainError.notFound('Team');
  }
}
