import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { Project, ProjectRole } from './project.entities';

const PROJECT_COLUMNS = `p.id, p.name, p.template_id AS "templateId", p.created_by AS "createdBy", p.created_at AS "createdAt"`;

/** Projects and their member rows (users and teams are part of the project aggregate). */
@Injectable()
export class ProjectsRepository extends AccountScopedRepository<Project> {
  constructor(db: TransactionHost) {
    super(db as Db, Project);
  }

  find(scope: AccountScope, id: string): Promise<Project | undefined> {
    return this.findOne(scope, { id });
  }

  /** A new project, its creator its admin (one transaction: the caller's). */
  async create(scope: AccountScope, project: { name: string; templateId: string | null; createdBy: string; creatorEmail: string }): Promise<Project> {
    const id = randomUUID();
    await this.insertRows(scope, Object.assign(new Project(), { id, accountId: scope.accountId, name: project.name, templateId: project.templateId, createdBy: project.createdBy }));
    await this.setUserRole(scope, id, project.createdBy, project.creatorEmail, 'admin');
    return (await this.find(scope, id))!;
  }

  async setUserRole(scope: AccountScope, projectId: string, userId: string, email: string, role: ProjectRole): Promise<void> {
    await this.sql(
      scope,
      // Through the project row: only a project of this account gains a member.
      `INSERT INTO "docrepo"."project_users" (account_id, project_id, user_id, email, role)
       SELECT p.account_id, p.id, $3, $4, $5 FROM "docrepo"."projects" p WHERE p.account_id = $1 AND p.id = $2
       ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role, email = EXCLUDED.email`,
      [projectId, userId, email, role],
    );
  }

  async userRole(scope: AccountScope, projectId: string, userId: string): Promise<ProjectRole | undefined> {
    const [row] = await this.sql<{ role: ProjectRole }>(
      scope,
      `SELECT role FROM "docrepo"."project_users" WHERE account_id = $1 AND project_id = $2 AND user_id = $3`,
      [projectId, userId],
    );
    return row?.role;
  }

  teamRoles(scope: AccountScope, projectId: string): Promise<Array<{ teamId: string; role: ProjectRole }>> {
    return this.sql(scope, `SELECT team_id AS "teamId", role FROM "docrepo"."project_teams" WHERE account_id = $1 AND project_id = $2`, [projectId]);
  }

  /** Projects the user sees: all of the account for an admin, else by membership or one of `teamIds`. Two statements. */
  async list(
    scope: AccountScope,
    viewer: { userId: string; all: boolean; teamIds: string[] },
    page: { limit: number; offset: number },
  ): Promise<{ items: Array<Project & { role: ProjectRole | null }>; total: number }> {
    const visible = `p.account_id = $1 AND ($2::boolean OR EXISTS (SELECT 1 FROM "docrepo"."project_users" u WHERE u.account_id = $1 AND u.project_id = p.id AND u.user_id = $3)
       OR EXISTS (SELECT 1 FROM "docrepo"."project_teams" t WHERE t.account_id = $1 AND t.project_id = p.id AND t.team_id = ANY($4::uuid[])))`;
    const params = [viewer.all, viewer.userId, viewer.teamIds];
    const [count] = await this.sql<{ n: string }>(scope, `SELECT count(*) AS n FROM "docrepo"."projects" p WHERE ${visible}`, params);
    const items = await this.sql<Project & { role: ProjectRole | null }>(
      scope,
      `SELECT ${PROJECT_COLUMNS}, (SELECT u.role FROM "docrepo"."project_users" u WHERE u.account_id = $1 AND u.project_id = p.id AND u.user_id = $3) AS role
         FROM "docrepo"."projects" p WHERE ${visible} ORDER BY p.created_at, p.id LIMIT $5 OFFSET $6`,
      [...params, page.limit, page.offset],
    );
    return { items, total: Number(count!.n) };
  }

  /** Every team id that some project of the account grants a role to. */
  async grantedTeamIds(scope: AccountScope): Promise<string[]> {
    const rows = await this.sql<{ teamId: string }>(scope, `SELECT DISTINCT team_id AS "teamId" FROM "docrepo"."project_teams" WHERE account_id = $1`);
    return rows.map((row) => row.teamId);
  }

  async rename(scope: AccountScope, projectId: string, name: string): Promise<void> {
    await this.sql(scope, `UPDATE "docrepo"."projects" SET name = $3 WHERE account_id = $1 AND id = $2`, [projectId, name]);
  }

  listUsers(scope: AccountScope, projectId: string): Promise<Array<{ userId: string; email: string; role: ProjectRole; addedAt: Date }>> {
    return this.sql(
      scope,
      `SELECT user_id AS "userId", email, role, added_at AS "addedAt" FROM "docrepo"."project_users" WHERE account_id = $1 AND project_id = $2 ORDER BY added_at, user_id`,
      [projectId],
    );
  }

  async removeUserByEmail(scope: AccountScope, projectId: string, email: string): Promise<boolean> {
    const rows = await this.modify(
      scope,
      `DELETE FROM "docrepo"."project_users" WHERE account_id = $1 AND project_id = $2 AND lower(email) = lower($3) RETURNING user_id`,
      [projectId, email],
    );
    return rows.length > 0;
  }

  listTeams(scope: AccountScope, projectId: string): Promise<Array<{ teamId: string; role: ProjectRole; addedAt: Date }>> {
    return this.sql(
      scope,
      `SELECT team_id AS "teamId", role, added_at AS "addedAt" FROM "docrepo"."project_teams" WHERE account_id = $1 AND project_id = $2 ORDER BY added_at, team_id`,
      [projectId],
    );
  }

  async setTeamRole(scope: AccountScope, projectId: string, teamId: string, role: ProjectRole): Promise<void> {
    await this.sql(
      scope,
      `INSERT INTO "docrepo"."project_teams" (account_id, project_id, team_id, role)
       SELECT p.account_id, p.id, $3, $4 FROM "docrepo"."projects" p WHERE p.account_id = $1 AND p.id = $2
       ON CONFLICT (project_id, team_id) DO UPDATE SET role = EXCLUDED.role`,
      [projectId, teamId, role],
    );
  }

  async removeTeam(scope: AccountScope, projectId: string, teamId: string): Promise<boolean> {
    const rows = await this.modify(scope, `DELETE FROM "docrepo"."project_teams" WHERE account_id = $1 AND project_id = $2 AND team_id = $3 RETURNING team_id`, [projectId, teamId]);
    return rows.length > 0;
  }
}
