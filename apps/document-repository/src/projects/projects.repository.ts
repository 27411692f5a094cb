import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { Project, ProjectRole } from './project.entities';

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
}
