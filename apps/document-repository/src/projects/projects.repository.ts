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
