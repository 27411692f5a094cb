import { randomUUID } from 'node:crypto';
import { EditSessionEvents, Principal, ServiceSchemas } from '@quire/contracts';
import { ErrorCode } from '@quire/errors';
import { createS3Client, ObjectStorage } from '@quire/platform';
import { createMediumContext, MediumContext, mediumOutbox, TEST_JWT_SECRET, testS3Endpoint } from '@quire/testing';
import { EditSessionEnv } from '../src/edit-session.env';
import { editSessionEntities } from '../src/edit-session.module';
import { RoomEvents } from '../src/events/room-events';
import { migrations } from '../src/migrations';
import { ReportsRepository } from '../src/reports/reports.repository';
import { ReportsService } from '../src/reports/reports.service';
import { EndSessionUseCase } from '../src/sessions/end-session.use-case';
import { ExpireSessionsUseCase } from '../src/sessions/expire-sessions.use-case';
import { RevokeUserSessionsUseCase } from '../src/sessions/revoke-user-sessions.use-case';
import { SessionLeases } from '../src/sessions/session-lease';
import { SessionTokens } from '../src/sessions/session-tokens';
import { SessionsRepository } from '../src/sessions/sessions.repository';
import { sessionUseCases } from '../src/sessions/session-use-cases';
import { SessionsService } from '../src/sessions/sessions.service';
import { StartSessionUseCase } from '../src/sessions/start-session.use-case';
import { TakeOverSessionUseCase } from '../src/sessions/take-over-session.use-case';
import { TemplatesRepository } from '../src/templates/templates.repository';

const SCHEMA = ServiceSchemas['edit-session'];
const BUCKET = 'quire-medium-edit-session';

describe('edit sessions (medium)', () => {
  let context: MediumContext;
  const env = Object.assign(new EditSessionEnv(), { JWT_SECRET: TEST_JWT_SECRET, EDIT_SESSION_LEASE_SECONDS: 900, EDIT_SESSION_TTL_SECONDS: 3600 });
  const user = (accountId: string, roles: string[] = ['user']): Principal => ({
    accountId,
    userId: randomUUID(),
    roles,
    scopes: [],
    displayName: `User ${roles.join('+')}`,
  });

  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: SCHEMA, entities: editSessionEntities, migrations },
      env,
      envClass: EditSessionEnv,
      providers: [
        {
          provide: ObjectStorage,
          useFactory: () =>
            new ObjectStorage(
              createS3Client(
                Object.assign(new EditSessionEnv(), {
                  S3_ENDPOINT: testS3Endpoint(),
                  S3_FORCE_PATH_STYLE: true,
                  S3_ACCESS_KEY_ID: 'test',
                  S3_SECRET_ACCESS_KEY: 'test',
                }),
              ),
              BUCKET,
            ),
        },
        mediumOutbox(SCHEMA),
        ReportsRepository,
        TemplatesRepository,
        SessionsRepository,
        RoomEvents,
        SessionLeases,
        SessionTokens,
        ...sessionUseCases,
        SessionsService,
        ReportsService,
      ],
    });
  });
  afterAll(() => context?.close());

  /** A report and a template of the author's account, ready to start a session on. */
  async function reportWithTemplate(author: Principal): Promise<{ labReportId: number; templateId: number; path: string }> {
    const report = await context.get(ReportsRepository).create(author, { title: 'R', createdBy: author.userId });
    const docxKey = `edit-session/${author.accountId}/templates/${randomUUID()}.docx`;
    const template = await context
      .get(TemplatesRepository)
      .create(author, { name: 'T', docxKey, docxSize: 10, docxSha256: 'a'.repeat(64), createdBy: author.userId });
    return { labReportId: Number(report.id), templateId: Number(template.id), path: `s3://${BUCKET}/${docxKey}` };
  }

  const start = async (author: Principal, target: { labReportId: number; templateId: number; path: string }) =>
    (
      await context.get(StartSessionUseCase).execute({
        principal: author,
        request: { lab_report_id: target.labReportId, template_id: target.templateId, word_s3_filepath: target.path },
      })
    ).session;

  const roomEvents = async (labReportId: number): Promise<Array<{ subject: string; payload: { event: string; sequence: number; data: Record<string, unknown> } }>> =>
    (
      await context.dataSource.query(`SELECT subject, payload FROM "${SCHEMA}"."outbox" WHERE payload->>'room' = $1 ORDER BY id`, [`external_edit_${labReportId}`])
    ).map((row: { subject: string; payload: unknown }) => ({ subject: row.subject, payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload }));

  const lapse = (sessionId: string) =>
    context.dataSource.query(`UPDATE "${SCHEMA}"."edit_sessions" SET expires_at = now() - interval '1 second' WHERE id = $1`, [sessionId]);

  it('starts one session per report and announces it with the room sequence; a second start is a 409 that leaves no event', async () => {
    const author = user(randomUUID());
    const target = await reportWithTemplate(author);
    const session = await start(author, target);
    expect(session).toMatchObject({ accountId: author.accountId, authorUserId: author.userId, isActive: true });
    await expect(start(user(author.accountId), target)).rejects.toMatchObject({ code: ErrorCode.Conflict });
    const events = await roomEvents(target.labReportId);
    expect(events).toEqual([
      { subject: EditSessionEvents.sessionCreated, payload: expect.objectContaining({ event: 'session_created', sequence: 1 }) },
    ]);
  });

  it('refuses a report, template or document of another account as a 400', async () => {
    const author = user(randomUUID());
    const mine = await reportWithTemplate(author);
    const other = await reportWithTemplate(user(randomUUID()));
    await expect(start(author, { ...mine, labReportId: other.labReportId })).rejects.toMatchObject({ code: ErrorCode.BadRequest });
    await expect(start(author, { ...mine, templateId: other.templateId })).rejects.toMatchObject({ code: ErrorCode.BadRequest });
    await expect(start(author, { ...mine, path: other.path })).rejects.toMatchObject({ code: ErrorCode.BadRequest });
    await expect(start(author, { ...mine, path: `s3://another-bucket/x.docx` })).rejects.toMatchObject({ code: ErrorCode.BadRequest });
    expect(await context.get(SessionsRepository).activeOfReport(author, mine.labReportId)).toBeUndefined();
  });

  it('frees the slot of a lapsed session on start, announcing its end as expired first', async () => {
    const author = user(randomUUID());
    const target = await reportWithTemplate(author);
    const lapsed = await start(author, target);
    await lapse(lapsed.id);
    const next = await start(author, target);
    expect(next.id).not.toBe(lapsed.id);
    expect(await context.get(SessionsRepository).find(author, lapsed.id)).toMatchObject({ isActive: false, endReason: 'expired' });
    expect((await roomEvents(target.labReportId)).map((event) => [event.payload.event, event.payload.sequence, event.payload.data.reason])).toEqual([
      ['session_created', 1, undefined],
      ['session_ended', 2, 'expired'],
      ['session_created', 3, undefined],
    ]);
  });

  it('lets only the author end a session; another account sees 404, a lapsed session is 404 too', async () => {
    const author = user(randomUUID());
    const target = await reportWithTemplate(author);
    const session = await start(author, target);
    const end = context.get(EndSessionUseCase);
    await expect(end.execute({ principal: user(author.accountId, ['admin']), editId: Number(session.id) })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await expect(end.execute({ principal: { ...author, accountId: randomUUID() }, editId: Number(session.id) })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await end.execute({ principal: author, editId: Number(session.id) });
    expect(await context.get(SessionsRepository).find(author, session.id)).toMatchObject({ isActive: false, endReason: 'ended' });
    await expect(end.execute({ principal: author, editId: Number(session.id) })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect((await roomEvents(target.labReportId)).at(-1)?.payload).toMatchObject({ event: 'session_ended', data: { reason: 'ended' } });

    const other = await reportWithTemplate(author);
    const old = await start(author, other);
    await lapse(old.id);
    await expect(end.execute({ principal: author, editId: Number(old.id) })).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('hands a session over to an admin or report editor only, with a new token id and the previous author in the event', async () => {
    const author = user(randomUUID());
    const target = await reportWithTemplate(author);
    const session = await start(author, target);
    const takeOver = context.get(TakeOverSessionUseCase);
    await expect(takeOver.execute({ principal: user(author.accountId), editId: Number(session.id) })).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await expect(takeOver.execute({ principal: user(randomUUID(), ['admin']), editId: Number(session.id) })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    const editor = user(author.accountId, ['report_editor']);
    const taken = await takeOver.execute({ principal: editor, editId: Number(session.id) });
    expect(taken).toMatchObject({ id: session.id, authorUserId: editor.userId, isActive: true });
    expect(taken.tokenId).not.toBe(session.tokenId);
    expect((await roomEvents(target.labReportId)).at(-1)).toEqual({
      subject: EditSessionEvents.authorshipChanged,
      payload: expect.objectContaining({
        sequence: 2,
        data: expect.objectContaining({ author_user_id: editor.userId, previous_author_user_id: author.userId }),
      }),
    });
  });

  it('sweeps lapsed sessions of every account once, each announced in its own room', async () => {
    const a = user(randomUUID());
    const b = user(randomUUID());
    const [ta, tb] = [await reportWithTemplate(a), await reportWithTemplate(b)];
    const [sa, sb] = [await start(a, ta), await start(b, tb)];
    const live = await start(a, await reportWithTemplate(a));
    await lapse(sa.id);
    await lapse(sb.id);
    const expire = context.get(ExpireSessionsUseCase);
    expect(await expire.execute()).toBeGreaterThanOrEqual(2);
    expect(await expire.execute()).toBe(0);
    expect(await context.get(SessionsRepository).find(a, sa.id)).toMatchObject({ isActive: false, endReason: 'expired' });
    expect(await context.get(SessionsRepository).find(b, sb.id)).toMatchObject({ isActive: false, endReason: 'expired' });
    expect(await context.get(SessionsRepository).find(a, live.id)).toMatchObject({ isActive: true });
    expect((await roomEvents(tb.labReportId)).at(-1)?.payload).toMatchObject({ event: 'session_ended', data: { reason: 'expired' } });
  });

  it("ends a disabled user's sessions in that account only, and a redelivered event ends nothing more", async () => {
    const author = user(randomUUID());
    const session = await start(author, await reportWithTemplate(author));
    const sameUserElsewhere = { ...author, accountId: randomUUID() };
    const elsewhere = await start(sameUserElsewhere, await reportWithTemplate(sameUserElsewhere));
    const revoke = context.get(RevokeUserSessionsUseCase);
    expect(await revoke.execute({ scope: author, userId: author.userId })).toBe(1);
    expect(await revoke.execute({ scope: author, userId: author.userId })).toBe(0);
    expect(await context.get(SessionsRepository).find(author, session.id)).toMatchObject({ isActive: false, endReason: 'access_revoked' });
    expect(await context.get(SessionsRepository).find(sameUserElsewhere, elsewhere.id)).toMatchObject({ isActive: true });
  });

  it("renews the agent's lease only with the session's current token, never past the session's lifetime", async () => {
    const author = user(randomUUID());
    const session = await start(author, await reportWithTemplate(author));
    const agent = (tokenId: string): Principal => ({ ...author, scopes: [`edit_session:${session.id}:${tokenId}`] });
    const sessions = context.get(SessionsService);
    await expect(sessions.keepAlive(agent(randomUUID()), Number(session.id))).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await context.dataSource.query(`UPDATE "${SCHEMA}"."edit_sessions" SET expires_at = now() + interval '1 second', max_expires_at = now() + interval '5 seconds' WHERE id = $1`, [session.id]);
    const renewed = await sessions.keepAlive(agent(session.tokenId), Number(session.id));
    const row = (await context.get(SessionsRepository).find(author, session.id))!;
    expect(renewed.expires_at).toBe(row.maxExpiresAt.getTime());
    await lapse(session.id);
    await expect(sessions.keepAlive(agent(session.tokenId), Number(session.id))).rejects.toMatchObject({ code: ErrorCode.Forbidden });
  });

  it('answers the active session with a token for its author only, and lists reports with their latest version', async () => {
    const author = user(randomUUID());
    const target = await reportWithTemplate(author);
    await start(author, target);
    const sessions = context.get(SessionsService);
    expect(await sessions.active(author, target.labReportId)).toMatchObject({ word_file_path: target.path, pdf_file_path: null, auth_token: expect.any(String) });
    expect(await sessions.active(user(author.accountId), target.labReportId)).toMatchObject({ auth_token: null });
    await expect(sessions.active(user(randomUUID()), target.labReportId)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    const listed = await context.get(ReportsService).list(author, {});
    expect(listed).toEqual([expect.objectContaining({ id: target.labReportId, latest_version_id: null })]);
  });
});
