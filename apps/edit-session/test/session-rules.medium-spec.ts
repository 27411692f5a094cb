import { createHash, randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { editSessionScope } from '@quire/auth';
import { AgentUploadFields, Principal, ReceivedFile, ServiceSchemas } from '@quire/contracts';
import { ErrorCode } from '@quire/errors';
import { ObjectStorage, uploadReservationProviders } from '@quire/platform';
import {
  buildDocx,
  buildPdf,
  createBucket,
  createMediumContext,
  MediumContext,
  mediumOutbox,
  removeBucket,
  testS3Client,
  TEST_JWT_SECRET,
  uniqueId,
} from '@quire/testing';
import { EditSessionEnv } from '../src/edit-session.env';
import { editSessionEntities } from '../src/edit-session.module';
import { RoomEvents } from '../src/events/room-events';
import { migrations } from '../src/migrations';
import { ReportsRepository } from '../src/reports/reports.repository';
import { ReportsService } from '../src/reports/reports.service';
import { EditSession } from '../src/sessions/edit-session.entity';
import { EndSessionUseCase } from '../src/sessions/end-session.use-case';
import { KeepAliveUseCase } from '../src/sessions/keep-alive.use-case';
import { SessionLeases } from '../src/sessions/session-lease';
import { SessionTokens } from '../src/sessions/session-tokens';
import { SessionsRepository } from '../src/sessions/sessions.repository';
import { SessionsService } from '../src/sessions/sessions.service';
import { StartSessionUseCase } from '../src/sessions/start-session.use-case';
import { TakeOverSessionUseCase } from '../src/sessions/take-over-session.use-case';
import { ReceivedFiles } from '../src/storage/received-files';
import { TemplatesRepository } from '../src/templates/templates.repository';
import { CommitAgentUploadUseCase } from '../src/versions/commit-agent-upload.use-case';
import { ReserveAgentUploadUseCase } from '../src/versions/reserve-agent-upload.use-case';
import { VersionsRepository } from '../src/versions/versions.repository';
import { VersionsService } from '../src/versions/versions.service';

const SCHEMA = ServiceSchemas['edit-session'];

interface Prepared {
  author: Principal;
  labReportId: number;
  templateId: number;
  path: string;
}

/**
 * Start, read, end and take over an edit session, and read its versions, on the real
 * repositories: the rules apps/edit-session/test/word-edit-sessions.e2e-spec.ts checks once
 * through the gateway, here case by case.
 */
describe('edit-session rules (medium: real Postgres, real S3)', () => {
  const s3: S3Client = testS3Client();
  const bucket = `session-rules-${uniqueId()}`.toLowerCase();
  const env = Object.assign(new EditSessionEnv(), { JWT_SECRET: TEST_JWT_SECRET, EDIT_SESSION_LEASE_SECONDS: 900, EDIT_SESSION_TTL_SECONDS: 8 * 3600 });
  let context: MediumContext;
  let storage: ObjectStorage;
  const user = (accountId: string = randomUUID(), roles: string[] = ['user'], displayName = `User ${roles.join('+')}`): Principal => ({
    accountId,
    userId: randomUUID(),
    roles,
    scopes: [],
    displayName,
  });

  beforeAll(async () => {
    await createBucket(s3, bucket);
    storage = new ObjectStorage(s3, bucket);
    context = await createMediumContext({
      database: { schema: SCHEMA, entities: editSessionEntities, migrations },
      env,
      envClass: EditSessionEnv,
      providers: [
        { provide: ObjectStorage, useValue: storage },
        mediumOutbox(SCHEMA),
        ReportsRepository,
        TemplatesRepository,
        SessionsRepository,
        VersionsRepository,
        RoomEvents,
        SessionLeases,
        SessionTokens,
        ReceivedFiles,
        StartSessionUseCase,
        EndSessionUseCase,
        TakeOverSessionUseCase,
        KeepAliveUseCase,
        ReserveAgentUploadUseCase,
        CommitAgentUploadUseCase,
        SessionsService,
        ReportsService,
        VersionsService,
        ...uploadReservationProviders(EditSessionEnv, () => ({ sweepIntervalMs: 60_000, keepSettledSeconds: 60 })),
      ],
    });
  });
  afterAll(async () => {
    await context?.close();
    await removeBucket(s3, bucket).catch(() => undefined);
  });

  const sessions = () => context.get(SessionsService);

  /** A report and a template of the author's account, ready to start a session on. */
  async function prepare(author: Principal = user()): Promise<Prepared> {
    const report = await context.get(ReportsRepository).create(author, { title: 'R', createdBy: author.userId });
    const docxKey = `edit-session/${author.accountId}/templates/${randomUUID()}.docx`;
    await storage.put(docxKey, buildDocx('the template'));
    const template = await context.get(TemplatesRepository).create(author, { name: 'T', docxKey, docxSize: 10, docxSha256: 'a'.repeat(64), createdBy: author.userId });
    return { author, labReportId: Number(report.id), templateId: Number(template.id), path: `s3://${bucket}/${docxKey}` };
  }

  const startAs = (principal: Principal, target: Prepared) =>
    context.get(StartSessionUseCase).execute({ principal, request: { lab_report_id: target.labReportId, template_id: target.templateId, word_s3_filepath: target.path } });
  const started = async (target?: Prepared): Promise<{ target: Prepared; session: EditSession }> => {
    const prepared = target ?? (await prepare());
    return { target: prepared, session: (await startAs(prepared.author, prepared)).session };
  };
  const agentOf = (session: EditSession): Principal => ({ accountId: session.accountId, userId: session.authorUserId, roles: [], scopes: [editSessionScope(session.id, session.tokenId)] });

  /** An agent save of the session (what the gateway does for POST /agent/{edit_id}). */
  async function save(session: EditSession, label: string): Promise<void> {
    const agent = agentOf(session);
    const reservation = await context.get(ReserveAgentUploadUseCase).execute(agent, Number(session.id));
    const files: ReceivedFile[] = [];
    for (const [part, bytes] of [
      [reservation.parts[0]!, buildDocx(label)],
      [reservation.parts[1]!, buildPdf(label)],
    ] as const) {
      await storage.put(part.key, bytes);
      files.push({
        field: part.field,
        key: part.key,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        fileName: part.field === AgentUploadFields.word ? 'r.docx' : 'r.pdf',
        declaredContentType: 'application/octet-stream',
        detectedContentType: part.field === AgentUploadFields.word ? 'application/zip' : 'application/pdf',
      });
    }
    await context.get(CommitAgentUploadUseCase).execute(agent, { reservationId: reservation.reservationId, edit_id: Number(session.id), files });
  }

  const lapse = (session: EditSession) => context.dataSource.query(`UPDATE "${SCHEMA}"."edit_sessions" SET expires_at = now() - interval '1 second' WHERE id = $1`, [session.id]);
  const activeRows = async (labReportId: number): Promise<number> =>
    (await context.dataSource.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."edit_sessions" WHERE lab_report_id = $1 AND is_active`, [labReportId]))[0].n;

  describe('start', () => {
    it('200 concurrent starts of one report: exactly one wins, the rest are CONFLICT, one row', async () => {
      const target = await prepare();
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          startAs(i % 2 ? target.author : { ...user(target.author.accountId) }, target).then(
            () => 'ok',
            (error: { code?: string }) => error.code ?? String(error),
          ),
        ),
      );
      const counts = outcomes.reduce<Record<string, number>>((acc, outcome) => ({ ...acc, [outcome]: (acc[outcome] ?? 0) + 1 }), {});
      expect(counts).toEqual({ ok: 1, [ErrorCode.Conflict]: 199 });
      expect(await activeRows(target.labReportId)).toBe(1);
    });

    it('a second start while one is active is a CONFLICT with the spec reason', async () => {
      const { target } = await started();
      await expect(startAs(user(target.author.accountId), target)).rejects.toMatchObject({
        code: ErrorCode.Conflict,
        message: 'An edit session is already active for this report',
        details: { reason: 'Active session already exists' },
      });
    });

    type Spoil = (mine: Prepared, foreign: Prepared) => Prepared;
    it.each<[string, Spoil, string]>([
      ['an unknown report', (mine) => ({ ...mine, labReportId: 999_999_999 }), 'lab report not found'],
      ["another account's report", (mine, foreign) => ({ ...mine, labReportId: foreign.labReportId }), 'lab report not found'],
      ['an unknown template', (mine) => ({ ...mine, templateId: 999_999_999 }), 'template not found'],
      ["another account's template", (mine, foreign) => ({ ...mine, templateId: foreign.templateId }), 'template not found'],
      ["another account's document", (mine, foreign) => ({ ...mine, path: foreign.path }), 'word_s3_filepath is not an object of this account'],
      ['a document in another bucket', (mine) => ({ ...mine, path: 's3://elsewhere/templates/x.docx' }), 'word_s3_filepath is not an object of this account'],
      ['a bucket without a key', (mine) => ({ ...mine, path: `s3://${bucket}/` }), 'word_s3_filepath is not an object of this account'],
      ['an object of the account that is no template or version', (mine) => ({ ...mine, path: `s3://${bucket}/edit-session/${mine.author.accountId}/templates/${randomUUID()}.docx` }), 'word_s3_filepath is not an object of this account'],
      ['an https URL instead of s3://', (mine) => ({ ...mine, path: mine.path.replace('s3://', 'https://') }), 'word_s3_filepath is not an object of this account'],
    ])('%s is a BAD_REQUEST naming why; nothing is started', async (_case, spoil, reason) => {
      const mine = await prepare();
      const foreign = await prepare();
      await expect(startAs(mine.author, spoil(mine, foreign))).rejects.toMatchObject({ code: ErrorCode.BadRequest, details: { reason } });
      expect(await activeRows(mine.labReportId)).toBe(0);
      await expect(startAs(mine.author, mine)).resolves.toMatchObject({ session: { isActive: true } });
    });

    it('answers a launch URL carrying the token, the edit id and a presigned template path', async () => {
      const target = await prepare();
      const reply = await sessions().start(target.author, { lab_report_id: target.labReportId, template_id: target.templateId, word_s3_filepath: target.path });
      expect(reply.auth_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(reply.launch_url).toBe(`winword://${reply.auth_token}^${reply.edit_id}^${reply.template_path}`);
      expect(new URL(reply.template_path).searchParams.get('X-Amz-Expires')).toBe(String(env.EDIT_SESSION_PRESIGN_SECONDS));
    });
  });

  describe('the active session', () => {
    it.each<[string, (author: Principal) => Principal, 'token' | 'no token']>([
      ['its author', (author) => author, 'token'],
      ['a colleague', (author) => user(author.accountId), 'no token'],
      ['an admin of the account', (author) => user(author.accountId, ['user', 'admin']), 'no token'],
    ])('for %s: answered, with a token for the author only', async (_who, who, token) => {
      const { target, session } = await started();
      const reply = await sessions().active(who(target.author), target.labReportId);
      expect(reply).toMatchObject({ id: Number(session.id), word_file_path: target.path, pdf_file_path: null, is_active: 1 });
      expect(reply.auth_token === null).toBe(token === 'no token');
    });

    it.each<[string, (s: { target: Prepared; session: EditSession }) => Promise<[Principal, number]>]>([
      ['another account', async ({ target }) => [user(), target.labReportId]],
      ['another account, same user id', async ({ target }) => [{ ...target.author, accountId: randomUUID() }, target.labReportId]],
      ['a report without a session', async ({ target }) => [target.author, (await prepare(target.author)).labReportId]],
      ['an unknown report', async ({ target }) => [target.author, 999_999_999]],
      ['a lapsed session', async ({ target, session }) => (await lapse(session), [target.author, target.labReportId])],
      [
        'an ended session',
        async ({ target, session }) => (await context.get(EndSessionUseCase).execute({ principal: target.author, editId: Number(session.id) }), [target.author, target.labReportId]),
      ],
    ])('%s: NOT_FOUND (No active session found)', async (_case, setUp) => {
      const [who, labReportId] = await setUp(await started());
      await expect(sessions().active(who, labReportId)).rejects.toMatchObject({ code: ErrorCode.NotFound, details: { reason: 'No active session found' } });
    });

    it('after a save it points at the latest version, and the re-issued token is still the agent token', async () => {
      const { target, session } = await started();
      await save(session, 'v1');
      const reply = await sessions().active(user(target.author.accountId), target.labReportId);
      expect(reply).toMatchObject({ auth_token: null, word_file_path: expect.stringMatching(/^s3:\/\/.+\.docx$/), pdf_file_path: expect.stringMatching(/\.pdf$/) });
      expect(reply.word_file_path).not.toBe(target.path);
      await expect(save(session, 'v2')).resolves.toBeUndefined();
    });
  });

  describe('end', () => {
    it.each<[string, (s: { target: Prepared; session: EditSession }) => Promise<[Principal, number]>, ErrorCode, string]>([
      ['a colleague', async ({ target, session }) => [user(target.author.accountId), Number(session.id)], ErrorCode.Forbidden, 'not the session author'],
      ['an admin of the account', async ({ target, session }) => [user(target.author.accountId, ['user', 'admin']), Number(session.id)], ErrorCode.Forbidden, 'not the session author'],
      ['another account', async ({ session }) => [user(), Number(session.id)], ErrorCode.NotFound, 'Session not found'],
      ['the author in another account', async ({ target, session }) => [{ ...target.author, accountId: randomUUID() }, Number(session.id)], ErrorCode.NotFound, 'Session not found'],
      ['the author, for an unknown session', async ({ target }) => [target.author, 987_654_321], ErrorCode.NotFound, 'Session not found'],
      ['the author, for a lapsed session', async ({ target, session }) => (await lapse(session), [target.author, Number(session.id)]), ErrorCode.NotFound, 'Session not found'],
    ])('by %s: refused with its code and reason, the session stays as it was', async (_case, setUp, code, reason) => {
      const setup = await started();
      const [who, editId] = await setUp(setup);
      const before = await context.get(SessionsRepository).find(setup.target.author, setup.session.id);
      await expect(sessions().end(who, editId)).rejects.toMatchObject({ code, details: { reason } });
      expect(await context.get(SessionsRepository).find(setup.target.author, setup.session.id)).toMatchObject({ isActive: before!.isActive, endReason: before!.endReason });
    });

    it('the author ends it once (a second end is NOT_FOUND), its token dies and the report is free again', async () => {
      const { target, session } = await started();
      expect(await sessions().end(target.author, Number(session.id))).toEqual({ message: 'Session has been inactivated' });
      await expect(sessions().end(target.author, Number(session.id))).rejects.toMatchObject({ code: ErrorCode.NotFound });
      await expect(sessions().active(target.author, target.labReportId)).rejects.toMatchObject({ code: ErrorCode.NotFound });
      await expect(save(session, 'late')).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      await expect(startAs(user(target.author.accountId), target)).resolves.toMatchObject({ session: { isActive: true } });
    });
  });

  describe('takeover', () => {
    it.each<[string, (author: Principal) => Principal, ErrorCode]>([
      ['a plain colleague', (author) => user(author.accountId), ErrorCode.Forbidden],
      ['a plain user of another account', () => user(), ErrorCode.Forbidden],
      ['an editor of another account', () => user(undefined, ['user', 'report_editor']), ErrorCode.NotFound],
      ['an admin of another account', () => user(undefined, ['user', 'admin']), ErrorCode.NotFound],
    ])('by %s: refused, the author keeps it', async (_case, who, code) => {
      const { target, session } = await started();
      await expect(sessions().takeOver(who(target.author), Number(session.id))).rejects.toMatchObject({ code });
      expect(await sessions().active(target.author, target.labReportId)).toMatchObject({ auth_token: expect.any(String) });
    });

    it.each<[string, string[]]>([
      ['a report editor', ['user', 'report_editor']],
      ['an admin', ['user', 'admin']],
    ])('an unknown session, even for %s, is NOT_FOUND', async (_who, roles) => {
      await expect(sessions().takeOver(user(undefined, roles), 987_654_321)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });

    it.each<[string, string[]]>([
      ['a report editor', ['user', 'report_editor']],
      ['an admin', ['user', 'admin']],
    ])('%s takes it over: the latest version opens, the old token and the old author lose it, the versions stay', async (_who, roles) => {
      const { target, session } = await started();
      await save(session, 'alice draft');
      const editor = user(target.author.accountId, roles, 'Editor Eve');
      const taken = await sessions().takeOver(editor, Number(session.id));
      expect(taken).toMatchObject({ edit_id: Number(session.id), auth_token: expect.any(String) });
      const opened = await (await fetch(taken.template_path)).arrayBuffer();
      expect(Buffer.from(opened).equals(buildDocx('alice draft'))).toBe(true);
      await expect(save(session, 'late alice')).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      const now = (await context.get(SessionsRepository).find(editor, session.id))!;
      await save(now, 'eve edit');
      expect(await sessions().active(editor, target.labReportId)).toMatchObject({ author_name: 'Editor Eve', auth_token: expect.any(String) });
      expect((await sessions().active(target.author, target.labReportId)).auth_token).toBeNull();
      await expect(sessions().end(target.author, Number(session.id))).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      const history = await context.get(VersionsService).list(target.author, target.labReportId);
      expect(history.map((v) => [v.version_number, v.uploaded_by_name])).toEqual([
        [2, 'Editor Eve'],
        [1, target.author.displayName],
      ]);
    });
  });

  describe('keepalive', () => {
    it.each<[string, (session: EditSession) => Promise<Principal>]>([
      ['a login principal', async (session) => ({ accountId: session.accountId, userId: session.authorUserId, roles: ['user'], scopes: [] })],
      ["another session's token", async (session) => agentOf((await started(await prepare(user(session.accountId)))).session)],
      ['the token of an ended session', async (session) => (await sessions().end({ ...user(session.accountId), userId: session.authorUserId }, Number(session.id)), agentOf(session))],
      ['the token of a lapsed session', async (session) => (await lapse(session), agentOf(session))],
    ])('refuses %s (FORBIDDEN)', async (_case, who) => {
      const { session } = await started();
      await expect(sessions().keepAlive(await who(session), Number(session.id))).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    });

    it('renews a short lease by the lease length and answers it', async () => {
      const { session } = await started();
      await context.dataSource.query(`UPDATE "${SCHEMA}"."edit_sessions" SET expires_at = now() + interval '30 seconds' WHERE id = $1`, [session.id]);
      const renewed = await sessions().keepAlive(agentOf(session), Number(session.id));
      expect(renewed).toEqual({ edit_id: Number(session.id), expires_at: expect.any(Number) });
      expect(renewed.expires_at).toBeGreaterThan(Date.now() + 800_000);
      expect((await context.get(SessionsRepository).find(session, session.id))!.expiresAt.getTime()).toBe(renewed.expires_at);
    });

    it('starts with a lease much shorter than the session lifetime', async () => {
      const { session } = await started();
      expect(session.maxExpiresAt.getTime() - session.expiresAt.getTime()).toBeGreaterThan(7 * 3600 * 1000);
    });
  });

  describe('versions and reports', () => {
    it('lists versions newest first; another account and an unknown report are NOT_FOUND', async () => {
      const { target, session } = await started();
      await save(session, 'one');
      await save(session, 'two');
      const versions = context.get(VersionsService);
      expect((await versions.list(target.author, target.labReportId)).map((v) => v.version_number)).toEqual([2, 1]);
      await expect(versions.list(user(), target.labReportId)).rejects.toMatchObject({ code: ErrorCode.NotFound });
      await expect(versions.list(target.author, 987_654_321)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });

    it.each<['docx' | 'pdf', (label: string) => Buffer]>([
      ['docx', (label) => buildDocx(label)],
      ['pdf', (label) => buildPdf(label)],
    ])('a %s download is a short presigned URL of that file; another account or version is NOT_FOUND', async (kind, bytes) => {
      const { target, session } = await started();
      await save(session, 'downloadable');
      const versions = context.get(VersionsService);
      const [version] = await versions.list(target.author, target.labReportId);
      const request = { lab_report_id: target.labReportId, version_id: version!.id, kind };
      const { url, expires_in_seconds } = await versions.fileUrl(target.author, request);
      expect(expires_in_seconds).toBe(env.EDIT_SESSION_PRESIGN_SECONDS);
      expect(Buffer.from(await (await fetch(url)).arrayBuffer()).equals(bytes('downloadable'))).toBe(true);
      await expect(versions.fileUrl(user(), request)).rejects.toMatchObject({ code: ErrorCode.NotFound });
      await expect(versions.fileUrl(target.author, { ...request, version_id: 987_654_321 })).rejects.toMatchObject({ code: ErrorCode.NotFound });
      const other = await prepare(target.author);
      await expect(versions.fileUrl(target.author, { ...request, lab_report_id: other.labReportId })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });

    it('reports are created and listed per account', async () => {
      const author = user();
      const reports = context.get(ReportsService);
      const created = await reports.create(author, { title: 'Lipid panel' });
      expect((await reports.list(author, { limit: 200 })).map((r) => [r.id, r.title])).toContainEqual([created.id, 'Lipid panel']);
      expect((await reports.list(user(), { limit: 200 })).map((r) => r.id)).not.toContain(created.id);
    });
  });
});
