import { randomUUID } from 'node:crypto';
import { Principal, ServiceSchemas } from '@quire/contracts';
import { ErrorCode } from '@quire/errors';
import { ServiceEnv } from '@quire/platform';
import { createMediumContext, MediumContext } from '@quire/testing';
import { migrations } from '../src/migrations';
import { Project } from '../src/projects/project.entities';
import { ProjectAccess, TeamDirectory } from '../src/projects/project-access';
import { ProjectsRepository } from '../src/projects/projects.repository';
import { CreateProjectUseCase } from '../src/projects/create-project.use-case';
import { FieldsRepository } from '../src/fields/fields.repository';
import { FoldersRepository } from '../src/folders/folders.repository';

/** Teams as identity would answer: a fixed membership map. */
class FakeTeams extends TeamDirectory {
  readonly members = new Map<string, Set<string>>();
  async teamsOf(principal: Principal, teamIds: string[]): Promise<string[]> {
    return teamIds.filter((id) => this.members.get(id)?.has(principal.userId));
  }
}

describe('ProjectAccess (medium)', () => {
  let context: MediumContext;
  const teams = new FakeTeams();
  const A = randomUUID();
  const B = randomUUID();
  const as = (accountId: string, userId: string = randomUUID(), roles: string[] = ['user']): Principal => ({ accountId, userId, roles, scopes: [] });

  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: ServiceSchemas['document-repository'], entities: [Project], migrations },
      env: new ServiceEnv(),
      providers: [ProjectsRepository, FoldersRepository, FieldsRepository, ProjectAccess, CreateProjectUseCase, { provide: TeamDirectory, useValue: teams }],
    });
  });
  afterAll(() => context?.close());

  const project = async (accountId: string): Promise<string> =>
    (await context.dataSource.query(`INSERT INTO docrepo.projects (account_id, name, created_by) VALUES ($1, 'P', $2) RETURNING id`, [accountId, randomUUID()]))[0].id;
  const member = (accountId: string, projectId: string, userId: string, role: string) =>
    context.dataSource.query(`INSERT INTO docrepo.project_users (account_id, project_id, user_id, email, role) VALUES ($1, $2, $3, $4, $5)`, [accountId, projectId, userId, `${userId}@x.test`, role]);
  const team = (accountId: string, projectId: string, teamId: string, role: string) =>
    context.dataSource.query(`INSERT INTO docrepo.project_teams (account_id, project_id, team_id, role) VALUES ($1, $2, $3, $4)`, [accountId, projectId, teamId, role]);

  it('grants by the user role, refuses a higher need with 403, and hides other accounts with 404', async () => {
    const access = context.get(ProjectAccess);
    const p = await project(A);
    const reader = as(A);
    await member(A, p, reader.userId, 'read');
    await expect(access.require(reader, p, 'read')).resolves.toMatchObject({ id: p });
    await expect(access.require(reader, p, 'write')).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await expect(access.require(as(A), p, 'read')).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await expect(access.require(as(B, reader.userId, ['admin']), p, 'read')).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('takes the best of the user and team roles, and counts account admins as project admins', async () => {
    const access = context.get(ProjectAccess);
    const p = await project(A);
    const user = as(A);
    const teamId = randomUUID();
    await member(A, p, user.userId, 'read');
    await team(A, p, teamId, 'write');
    await expect(access.require(user, p, 'write')).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    teams.members.set(teamId, new Set([user.userId]));
    await expect(access.require(user, p, 'write')).resolves.toBeDefined();
    await expect(access.require(user, p, 'admin')).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await expect(access.require(as(A, randomUUID(), ['admin']), p, 'admin')).resolves.toBeDefined();
  });

  it('makes the creator of a project its admin, and nobody else', async () => {
    const creator = as(A);
    const created = await context.get(CreateProjectUseCase).execute({ principal: creator, name: 'Trial 7' });
    const access = context.get(ProjectAccess);
    await expect(access.require(creator, created.id, 'admin')).resolves.toMatchObject({ name: 'Trial 7', createdBy: creator.userId });
    await expect(access.require(as(A), created.id, 'read')).rejects.toMatchObject({ code: ErrorCode.Forbidden });
  });

  it('creates nothing when the template is not of the account', async () => {
    const before = Number((await context.dataSource.query(`SELECT count(*) AS n FROM docrepo.projects`))[0].n);
    await expect(context.get(CreateProjectUseCase).execute({ principal: as(A), name: 'X', templateId: randomUUID() })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(Number((await context.dataSource.query(`SELECT count(*) AS n FROM docrepo.projects`))[0].n)).toBe(before);
  });
});
