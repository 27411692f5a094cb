import { createHash, randomUUID } from 'node:crypto';
import { Principal, ProjectRoleName, ServiceSchemas } from '@quire/contracts';
import { ErrorCode } from '@quire/errors';
import { Db, EventPublisher, ObjectStorage, Outbox, StorageModule, TransactionHost, UploadReservations } from '@quire/platform';
import { createMediumContext, MediumContext, testS3Endpoint } from '@quire/testing';
import { DataSource } from 'typeorm';
import { DocumentRepositoryEnv } from '../src/document-repository.env';
import { documentRepositoryEntities, documentRepositoryProviders } from '../src/document-repository.module';
import { DocumentsService } from '../src/documents/documents.service';
import { FieldsService } from '../src/fields/fields.service';
import { FoldersService } from '../src/folders/folders.service';
import { migrations } from '../src/migrations';
import { IdentityDirectory } from '../src/projects/identity-directory';
import { TeamDirectory } from '../src/projects/project-access';
import { ProjectsService } from '../src/projects/projects.service';

/** Users and teams as identity would answer (identity is another process; its NATS contract is tested there). */
class FakeIdentity {
  readonly users = new Map<string, { id: string; email: string }>();
  readonly teams = new Map<string, { accountId: string; members: Set<string> }>();
  async userByEmail(_principal: Principal, email: string) {
    return this.users.get(email.toLowerCase());
  }
  async teamsOf(principal: Principal, teamIds: string[]): Promise<string[]> {
    return teamIds.filter((id) => this.teams.get(id)?.members.has(principal.userId));
  }
  async teamMembers(principal: Principal, teamId: string) {
    const team = this.teams.get(teamId);
    return team && team.accountId === principal.accountId ? [...team.members].map((id) => ({ id })) : undefined;
  }
}

/** What one case works on: a project of the owner with a document of two versions, a folder, a field, a member and a team grant. */
interface Fixture {
  projectId: string;
  documentId: string;
  firstVersionId: string;
  folderId: string;
  folderName: string;
  fieldId: string;
  memberEmail: string;
  grantedTeamId: string;
  freeTeamId: string;
}

type Need = 'read' | 'write' | 'admin';

/**
 * The document repository's project rules on its real repositories: which project role each
 * operation needs (a matrix of operation × caller), and the not-found and value rules around
 * it — what test/e2e/document-repository.e2e-spec.ts checks through the gateway once.
 */
describe('document repository project rules (medium: real Postgres and S3)', () => {
  let context: MediumContext;
  let storage: ObjectStorage;
  const identity = new FakeIdentity();
  const A = randomUUID();
  const as = (accountId: string, roles = ['user']): Principal => {
    const principal = { accountId, userId: randomUUID(), roles, scopes: [], email: `${randomUUID()}@x.test` };
    identity.users.set(principal.email, { id: principal.userId, email: principal.email });
    return principal;
  };
  const owner = as(A);

  beforeAll(async () => {
    const env = Object.assign(new DocumentRepositoryEnv(), {
      S3_ENDPOINT: testS3Endpoint(),
      S3_BUCKET: `quire-docrepo-rules-${randomUUID().slice(0, 8)}`,
      S3_ACCESS_KEY_ID: 'test',
      S3_SECRET_ACCESS_KEY: 'test',
      DOCREPO_MAX_UPLOAD_BYTES: 1024 * 1024,
    });
    context = await createMediumContext({
      database: { schema: ServiceSchemas['document-repository'], entities: documentRepositoryEntities, migrations },
      env,
      imports: [StorageModule],
      providers: [
        ...documentRepositoryProviders.filter((p) => p !== IdentityDirectory && !(typeof p === 'object' && 'provide' in p && p.provide === TeamDirectory)),
        { provide: IdentityDirectory, useValue: identity },
        { provide: TeamDirectory, useValue: identity },
        UploadReservations,
        {
          provide: Outbox,
          inject: [DataSource, TransactionHost],
          useFactory: (dataSource: DataSource, db: Db) =>
            new Outbox(dataSource, { publish: () => undefined } as unknown as EventPublisher, { flush: async () => undefined } as never, 'docrepo', 60_000, db),
        },
      ],
    });
    storage = context.get(ObjectStorage);
  });
  afterAll(async () => {
    if (storage) for await (const object of storage.list('')) await storage.delete([object.key]);
    await context?.close();
  });

  const projects = () => context.get(ProjectsService);
  const documents = () => context.get(DocumentsService);
  const folders = () => context.get(FoldersService);
  const fields = () => context.get(FieldsService);

  async function upload(who: Principal, projectId: string, documentId?: string) {
    const bytes = Buffer.from(`%PDF-1 ${randomUUID()}`);
    const reservation = await documents().reserve(who, { projectId, documentId });
    const [part] = reservation.parts;
    await storage.put(part!.key, bytes);
    const files = [{ field: 'file', key: part!.key, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), fileName: 'a.pdf', declaredContentType: 'application/pdf', detectedContentType: 'application/pdf' }];
    const request = { projectId, reservationId: reservation.reservationId, files, rejectDuplicate: false };
    return documentId ? documents().commitVersion(who, { ...request, documentId }) : documents().commitDocument(who, request);
  }

  const team = (accountId: string, members: string[] = []): string => {
    const id = randomUUID();
    identity.teams.set(id, { accountId, members: new Set(members) });
    return id;
  };

  async function fixture(): Promise<Fixture> {
    const { id: projectId } = await projects().create(owner, { name: `P ${randomUUID().slice(0, 8)}` });
    const folderName = `F ${randomUUID().slice(0, 6)}`;
    const member = as(A);
    const grantedTeamId = team(A);
    const [document, folder, field] = await Promise.all([
      upload(owner, projectId).then(async (first) => (await upload(owner, projectId, first.id), first)),
      folders().create(owner, { projectId, name: folderName }),
      fields().create(owner, { projectId, name: 'Status', type: 'select', allowedValues: ['draft', 'final'] }),
      projects().putUser(owner, { projectId, email: member.email!, role: 'read' }),
      projects().putTeam(owner, { projectId, teamId: grantedTeamId, role: 'read' }),
    ]);
    return { projectId, documentId: document.id, firstVersionId: document.version.id, folderId: folder.id, folderName, fieldId: field.id, memberEmail: member.email!, grantedTeamId, freeTeamId: team(A) };
  }

  const operations: Array<[string, Need, (who: Principal, f: Fixture) => Promise<unknown>]> = [
    ['get the project', 'read', (who, f) => projects().get(who, f.projectId)],
    ['list its members', 'read', (who, f) => projects().users(who, f.projectId)],
    ['list its teams', 'read', (who, f) => projects().teams(who, f.projectId)],
    ['read a team grant', 'read', (who, f) => projects().team(who, { projectId: f.projectId, teamId: f.grantedTeamId })],
    ['list documents', 'read', (who, f) => documents().list(who, { projectId: f.projectId, page: 1, pageSize: 50 })],
    ['list the documents of a folder', 'read', (who, f) => documents().list(who, { projectId: f.projectId, folderId: f.folderId, page: 1, pageSize: 50 })],
    ['get a document', 'read', (who, f) => documents().get(who, f.projectId, f.documentId)],
    ['list its versions', 'read', (who, f) => documents().versions(who, f.projectId, f.documentId)],
    ['resolve its content', 'read', (who, f) => documents().content(who, { projectId: f.projectId, documentId: f.documentId })],
    ["resolve a version's content", 'read', (who, f) => documents().content(who, { projectId: f.projectId, documentId: f.documentId, versionId: f.firstVersionId })],
    ['list folders', 'read', (who, f) => folders().list(who, f.projectId)],
    ['find a folder by name', 'read', (who, f) => folders().byName(who, f.projectId, f.folderName)],
    ['list fields', 'read', (who, f) => fields().list(who, f.projectId)],
    ['reserve an upload', 'write', (who, f) => documents().reserve(who, { projectId: f.projectId })],
    ['reserve a new version', 'write', (who, f) => documents().reserve(who, { projectId: f.projectId, documentId: f.documentId })],
    ['rename a document', 'write', (who, f) => documents().update(who, { projectId: f.projectId, documentId: f.documentId, name: 'Renamed.pdf' })],
    ['move a document', 'write', (who, f) => documents().move(who, { projectId: f.projectId, documentId: f.documentId, folderId: f.folderId })],
    ['create a folder', 'write', (who, f) => folders().create(who, { projectId: f.projectId, name: 'New' })],
    ['set a field value', 'write', (who, f) => fields().putValue(who, { projectId: f.projectId, documentId: f.documentId, fieldId: f.fieldId, value: 'final' })],
    ['rename the project', 'admin', (who, f) => projects().update(who, { projectId: f.projectId, name: `Renamed ${randomUUID().slice(0, 6)}` })],
    ['add a member', 'admin', (who, f) => projects().putUser(who, { projectId: f.projectId, email: as(A).email!, role: 'write' })],
    ['remove a member', 'admin', (who, f) => projects().removeUser(who, { projectId: f.projectId, email: f.memberEmail })],
    ['grant a team', 'admin', (who, f) => projects().putTeam(who, { projectId: f.projectId, teamId: f.freeTeamId, role: 'write' })],
    ['remove a team grant', 'admin', (who, f) => projects().removeTeam(who, { projectId: f.projectId, teamId: f.grantedTeamId })],
    ['delete a document', 'admin', (who, f) => documents().delete(who, f.projectId, f.documentId)],
    ['delete a version', 'admin', (who, f) => documents().deleteVersion(who, { projectId: f.projectId, documentId: f.documentId, versionId: f.firstVersionId })],
    ['delete a folder', 'admin', (who, f) => folders().delete(who, f.projectId, f.folderId)],
    ['create a field', 'admin', (who, f) => fields().create(who, { projectId: f.projectId, name: 'Pages', type: 'number' })],
  ];

  /** The operations that change nothing a later case looks at (a reservation is only a row of its own). */
  const READS = new Set(operations.filter(([, need]) => need === 'read').map(([name]) => name).concat(['reserve an upload', 'reserve a new version']));

  /** Who calls, and the best project role they hold (undefined: none; 'other account': the project is not theirs). */
  const callers: Array<[string, (f: Fixture) => Promise<Principal>, ProjectRoleName | 'none' | 'other account']> = [
    ['a user of the account without a role', async () => as(A), 'none'],
    ['a read member', async (f) => member(f, 'read'), 'read'],
    ['a write member', async (f) => member(f, 'write'), 'write'],
    ['an admin member', async (f) => member(f, 'admin'), 'admin'],
    ['a read member in a team granted write', async (f) => teamMember(f, 'write', 'read'), 'write'],
    ['a member of a team granted read', async (f) => teamMember(f, 'read'), 'read'],
    ['an account admin', async () => as(A, ['user', 'admin']), 'admin'],
    ['an admin of another account', async () => as(randomUUID(), ['user', 'admin']), 'other account'],
  ];

  async function member(f: Fixture, role: ProjectRoleName): Promise<Principal> {
    const who = as(A);
    await projects().putUser(owner, { projectId: f.projectId, email: who.email!, role });
    return who;
  }
  async function teamMember(f: Fixture, teamRole: ProjectRoleName, userRole?: ProjectRoleName): Promise<Principal> {
    const who = userRole ? await member(f, userRole) : as(A);
    const teamId = team(A, [who.userId]);
    await projects().putTeam(owner, { projectId: f.projectId, teamId, role: teamRole });
    return who;
  }

  const RANK = { read: 1, write: 2, admin: 3 } as const;
  const matrix = operations.flatMap(([operation, need, run]) =>
    callers.map(([caller, make, role]) => {
      const expected = role === 'other account' ? ErrorCode.NotFound : role === 'none' || RANK[role] < RANK[need] ? ErrorCode.Forbidden : 'ok';
      return [caller, operation, need, expected, make, run] as const;
    }),
  );

  describe.each(callers.map(([caller]) => caller))('%s', (caller) => {
    // A refused call changes nothing, so the refusals and reads of one caller share a fixture; every
    // allowed change gets its own (it may delete what the next case needs).
    let shared: Promise<{ f: Fixture; who: Principal }> | undefined;
    const sharedFixture = (make: (f: Fixture) => Promise<Principal>) =>
      (shared ??= fixture().then(async (f) => ({ f, who: await make(f) })));

    it.each(matrix.filter((row) => row[0] === caller).map(([, operation, need, expected, make, run]) => [operation, need, expected, make, run] as const))(
      '%s (needs %s) → %s',
      async (operation, _need, expected, make, run) => {
        if (expected === 'ok' && !READS.has(operation)) {
          const f = await fixture();
          await expect(run(await make(f), f)).resolves.toBeDefined();
        } else if (expected === 'ok') {
          const { f, who } = await sharedFixture(make);
          await expect(run(who, f)).resolves.toBeDefined();
        } else {
          const { f, who } = await sharedFixture(make);
          await expect(run(who, f)).rejects.toMatchObject({ code: expected });
          // A refused call changed nothing the owner sees.
          expect(await documents().versions(owner, f.projectId, f.documentId)).toHaveLength(2);
          expect((await folders().list(owner, f.projectId)).total).toBe(1);
          expect(await projects().users(owner, f.projectId)).toEqual(expect.arrayContaining([expect.objectContaining({ email: f.memberEmail })]));
        }
      },
    );
  });

  describe('not found', () => {
    let notFoundFixture: Promise<{ f: Fixture; other: string }> | undefined;
    it.each<[string, (f: Fixture, other: string) => Promise<unknown>]>([
      ['a document of another project of the account', (f, other) => documents().get(owner, other, f.documentId)],
      ['renaming a document of another project', (f, other) => documents().update(owner, { projectId: other, documentId: f.documentId, name: 'x.pdf' })],
      ['deleting a document of another project', (f, other) => documents().delete(owner, other, f.documentId)],
      ["another project's document versions", (f, other) => documents().versions(owner, other, f.documentId)],
      ["another project's document content", (f, other) => documents().content(owner, { projectId: other, documentId: f.documentId })],
      ['a new version of a document of another project', (f, other) => documents().reserve(owner, { projectId: other, documentId: f.documentId })],
      ['an unknown document', (f) => documents().get(owner, f.projectId, randomUUID())],
      ['an unknown version', (f) => documents().deleteVersion(owner, { projectId: f.projectId, documentId: f.documentId, versionId: randomUUID() })],
      ["the content of an unknown version", (f) => documents().content(owner, { projectId: f.projectId, documentId: f.documentId, versionId: randomUUID() })],
      ['moving to a folder of another project', async (f, other) => documents().move(owner, { projectId: f.projectId, documentId: f.documentId, folderId: (await folders().create(owner, { projectId: other, name: 'x' })).id })],
      ['moving to an unknown folder', (f) => documents().move(owner, { projectId: f.projectId, documentId: f.documentId, folderId: randomUUID() })],
      ['an unknown folder by name', (f) => folders().byName(owner, f.projectId, 'nope')],
      ['deleting an unknown folder', (f) => folders().delete(owner, f.projectId, randomUUID())],
      ['a value of an unknown field', (f) => fields().putValue(owner, { projectId: f.projectId, documentId: f.documentId, fieldId: randomUUID(), value: 'x' })],
      ['a value on an unknown document', (f) => fields().putValue(owner, { projectId: f.projectId, documentId: randomUUID(), fieldId: f.fieldId, value: 'final' })],
      ['a member nobody in identity has the email of', (f) => projects().putUser(owner, { projectId: f.projectId, email: 'nobody@example.test' })],
      ['removing someone who is no member', (f) => projects().removeUser(owner, { projectId: f.projectId, email: as(A).email! })],
      ['a team identity does not know', (f) => projects().putTeam(owner, { projectId: f.projectId, teamId: randomUUID() })],
      ['a team of another account', (f) => projects().putTeam(owner, { projectId: f.projectId, teamId: team(randomUUID()) })],
      ['a team grant that does not exist', (f) => projects().team(owner, { projectId: f.projectId, teamId: f.freeTeamId })],
      ['removing a team grant that does not exist', (f) => projects().removeTeam(owner, { projectId: f.projectId, teamId: f.freeTeamId })],
      ['an unknown project', () => projects().get(owner, randomUUID())],
    ])('%s → NOT_FOUND', async (_case, run) => {
      // Nothing here changes the fixture (each call is refused), so all cases share one.
      const { f, other } = await (notFoundFixture ??= fixture().then(async (f) => ({ f, other: (await projects().create(owner, { name: `Other ${randomUUID().slice(0, 8)}` })).id })));
      await expect(run(f, other)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });
  });

  describe('members and teams', () => {
    it('a member added without a role reads; a second put changes the role; a removed member is refused', async () => {
      const f = await fixture();
      const reader = as(A);
      await projects().putUser(owner, { projectId: f.projectId, email: reader.email! });
      expect(await projects().users(owner, f.projectId)).toEqual(expect.arrayContaining([expect.objectContaining({ email: reader.email, role: 'read' })]));
      await expect(documents().reserve(reader, { projectId: f.projectId })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      await projects().putUser(owner, { projectId: f.projectId, email: reader.email!, role: 'write' });
      await expect(documents().reserve(reader, { projectId: f.projectId })).resolves.toBeDefined();
      await projects().removeUser(owner, { projectId: f.projectId, email: reader.email! });
      await expect(projects().get(reader, f.projectId)).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    });

    it("a team grant gives its members the team's role and the project in their list, until it is removed", async () => {
      const f = await fixture();
      const teammate = as(A);
      const teamId = team(A, [teammate.userId]);
      await expect(projects().get(teammate, f.projectId)).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      expect(await projects().putTeam(owner, { projectId: f.projectId, teamId, role: 'read' })).toMatchObject({ teamId, role: 'read' });
      expect(await projects().get(teammate, f.projectId)).toMatchObject({ id: f.projectId, role: 'read' });
      expect((await projects().list(teammate, { page: 1, pageSize: 200 })).items.map((p) => p.id)).toContain(f.projectId);
      await projects().removeTeam(owner, { projectId: f.projectId, teamId });
      await expect(projects().get(teammate, f.projectId)).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      expect((await projects().list(teammate, { page: 1, pageSize: 200 })).items.map((p) => p.id)).not.toContain(f.projectId);
    });

    it('the project list shows only projects the caller has a role in (all of them for an account admin), none of another account', async () => {
      const account = randomUUID();
      const creator = as(account);
      const { id: projectId } = await projects().create(creator, { name: 'Listed' });
      const ids = async (who: Principal) => (await projects().list(who, { page: 1, pageSize: 200 })).items.map((p) => p.id);
      expect(await ids(creator)).toEqual([projectId]);
      expect(await ids(as(account))).toEqual([]);
      expect(await ids(as(account, ['user', 'admin']))).toEqual([projectId]);
      expect(await ids(as(randomUUID(), ['user', 'admin']))).toEqual([]);
    });
  });

  describe('field values are checked against their type', () => {
    const cases: Array<[string, Record<string, unknown>, unknown, 'ok' | ErrorCode]> = [
      ['a string', { type: 'string' }, 'x', 'ok'],
      ['a number for a string field', { type: 'string' }, 5, ErrorCode.ValidationFailed],
      ['a string over 10,000 characters', { type: 'string' }, 'x'.repeat(10_001), ErrorCode.ValidationFailed],
      ['a number', { type: 'number' }, 10, 'ok'],
      ['a numeric string for a number field', { type: 'number' }, '10', ErrorCode.ValidationFailed],
      ['true', { type: 'boolean' }, true, 'ok'],
      ['"true" for a boolean field', { type: 'boolean' }, 'true', ErrorCode.ValidationFailed],
      ['an ISO date with an offset', { type: 'date' }, '2024-01-01T00:00:00Z', 'ok'],
      ['epoch milliseconds for a date', { type: 'date' }, 1_700_000_000_000, 'ok'],
      ['a date without an offset', { type: 'date' }, '2024-01-01T00:00:00', ErrorCode.ValidationFailed],
      ['a word for a date', { type: 'date' }, 'yesterday', ErrorCode.ValidationFailed],
      ['an allowed value', { type: 'select', allowedValues: ['draft', 'final'] }, 'final', 'ok'],
      ['a value that is not allowed', { type: 'select', allowedValues: ['draft', 'final'] }, 'nope', ErrorCode.ValidationFailed],
      ['null (clears it)', { type: 'string' }, null, 'ok'],
      ['null for a required field', { type: 'string', required: true }, null, ErrorCode.ValidationFailed],
    ];

    // Each case defines a field of its own on one shared document.
    let shared: Promise<Fixture> | undefined;
    it.each(cases)('%s', async (_case, definition, value, expected) => {
      const f = await (shared ??= fixture());
      const field = await fields().create(owner, { projectId: f.projectId, name: `F ${randomUUID().slice(0, 6)}`, ...definition } as never);
      const put = fields().putValue(owner, { projectId: f.projectId, documentId: f.documentId, fieldId: field.id, value });
      if (expected === 'ok') {
        const values = await put;
        if (value === null) expect(values).not.toHaveProperty(field.id);
        else expect(values).toHaveProperty(field.id);
      } else {
        await expect(put).rejects.toMatchObject({ code: expected });
        expect((await documents().get(owner, f.projectId, f.documentId)).fields).not.toHaveProperty(field.id);
      }
    });

    it.each<[string, Record<string, unknown>]>([
      ['allowedValues on a string field', { type: 'string', allowedValues: ['x'] }],
      ['a select field without allowedValues', { type: 'select' }],
    ])('a definition with %s is VALIDATION_FAILED', async (_case, definition) => {
      const f = await fixture();
      await expect(fields().create(owner, { projectId: f.projectId, name: 'Bad', ...definition } as never)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    });
  });

  describe('projects and folders', () => {
    it('a folder name is unique under its parent only (CONFLICT twice), and a non-empty folder is kept (CONFLICT)', async () => {
      const f = await fixture();
      await expect(folders().create(owner, { projectId: f.projectId, name: f.folderName })).rejects.toMatchObject({ code: ErrorCode.Conflict });
      const child = await folders().create(owner, { projectId: f.projectId, name: f.folderName, parentId: f.folderId });
      await expect(folders().delete(owner, f.projectId, f.folderId)).rejects.toMatchObject({ code: ErrorCode.Conflict });
      await folders().delete(owner, f.projectId, child.id);
      await documents().move(owner, { projectId: f.projectId, documentId: f.documentId, folderId: f.folderId });
      await expect(folders().delete(owner, f.projectId, f.folderId)).rejects.toMatchObject({ code: ErrorCode.Conflict });
    });

    it('renames a project and a document, and renames the project back', async () => {
      const f = await fixture();
      const original = (await projects().get(owner, f.projectId)).name;
      expect((await projects().update(owner, { projectId: f.projectId, name: `${original} b` })).name).toBe(`${original} b`);
      expect((await projects().update(owner, { projectId: f.projectId, name: original })).name).toBe(original);
      expect((await documents().update(owner, { projectId: f.projectId, documentId: f.documentId, name: 'Renamed.pdf' })).name).toBe('Renamed.pdf');
    });

    it('only account admins create templates; other accounts cannot use them', async () => {
      await expect(projects().createTemplate(as(A), { name: 'Mine' })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      const template = await projects().createTemplate(as(A, ['user', 'admin']), { name: `T ${randomUUID().slice(0, 6)}`, folders: [{ name: 'Evidence', children: [{ name: 'Photos' }] }] });
      expect((await projects().listTemplates(as(A))).map((t) => t.id)).toContain(template.id);
      expect((await projects().listTemplates(as(randomUUID()))).map((t) => t.id)).not.toContain(template.id);
      await expect(projects().create(as(randomUUID()), { name: 'x', templateId: template.id })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });
  });
});
