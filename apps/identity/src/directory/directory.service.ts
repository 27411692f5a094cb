import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { requireDirectoryReader, requireUserAdmin } from '@quire/auth';
import { CreateTeamBody, Principal, RoleView, TeamMemberRequest, TeamView, UserView } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { modifiedRows } from '@quire/platform';
import { uniqueViolation, UsersRepository, userView } from '../users/users.repository';
import { Role, Team } from './directory.entities';

/** Roles and teams of the caller's account (documents family). */
@Injectable()
export class DirectoryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
  ) {}

  async roles(principal: Principal): Promise<RoleView[]> {
    requireDirectoryReader(principal);
    const roles = await this.dataSource.getRepository(Role).find({ where: { accountId: principal.accountId }, order: { name: 'ASC' } });
    return roles.map((r) => ({ name: r.name, description: r.description }));
  }

  async teams(principal: Principal): Promise<TeamView[]> {
    requireDirectoryReader(principal);
    const rows: Array<{ id: string; name: string; member_count: string }> = await this.dataSource.query(
      `SELECT t."id", t."name", count(m."user_id") AS "member_count" FROM "identity"."teams" t
       LEFT JOIN "identity"."team_members" m ON m."team_id" = t."id" AND m."account_id" = t."account_id"
       WHERE t."account_id" = $1 GROUP BY t."id" ORDER BY t."name"`,
      [principal.accountId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, memberCount: Number(r.member_count) }));
  }

  async createTeam(principal: Principal, body: CreateTeamBody): Promise<TeamView> {
    requireUserAdmin(principal);
    const rows: Array<{ id: string }> = await this.dataSource
      .query(`INSERT INTO "identity"."teams" ("account_id", "name") VALUES ($1, $2) RETURNING "id"`, [principal.accountId, body.name])
      .catch((error: unknown) => {
        throw uniqueViolation(error) ? DomainError.conflict('A team with this name already exists', { field: 'name' }) : error;
      });
    return { id: rows[0]!.id, name: body.name, memberCount: 0 };
  }

  async members(principal: Principal, teamId: string): Promise<UserView[]> {
    requireDirectoryReader(principal);
    await this.requireTeam(principal, teamId);
    const rows: Array<{ user_id: string }> = await this.dataSource.query(
      `SELECT "user_id" FROM "identity"."team_members" WHERE "account_id" = $1 AND "team_id" = $2 ORDER BY "added_at", "user_id"`,
      [principal.accountId, teamId],
    );
    const views: UserView[] = [];
    for (const row of rows) {
      const user = await this.users.byId(principal.accountId, row.user_id);
      if (user) views.push(userView(user));
    }
    return views;
  }

  /** Idempotent: adding a member twice leaves one membership. */
  async addMember(principal: Principal, request: TeamMemberRequest): Promise<UserView[]> {
    requireUserAdmin(principal);
    await this.requireTeam(principal, request.teamId);
    const user = await this.users.byEmail(principal.accountId, request.email);
    if (!user) throw DomainError.notFound('User');
    await this.dataSource.query(
      `INSERT INTO "identity"."team_members" ("account_id", "team_id", "user_id") VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [principal.accountId, request.teamId, user.id],
    );
    return this.members(principal, request.teamId);
  }

  async removeMember(principal: Principal, request: TeamMemberRequest): Promise<UserView[]> {
    requireUserAdmin(principal);
    await this.requireTeam(principal, request.teamId);
    const user = await this.users.byEmail(principal.accountId, request.email);
    const rows = user
      ? await modifiedRows<{ user_id: string }>(
          this.dataSource.manager,
          `DELETE FROM "identity"."team_members" WHERE "account_id" = $1 AND "team_id" = $2 AND "user_id" = $3 RETURNING "user_id"`,
          [principal.accountId, request.teamId, user.id],
        )
      : [];
    if (!rows.length) throw DomainError.notFound('Team member');
    return this.members(principal, request.teamId);
  }

  private async requireTeam(principal: Principal, teamId: string): Promise<void> {
    const team = await this.dataSource.getRepository(Team).findOneBy({ id: teamId, accountId: principal.accountId });
    if (!team) throw DomainError.notFound('Team');
  }
}
