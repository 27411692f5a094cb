import { createHash, randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { editSessionScope } from '@quire/auth';
import { AgentUploadFields, CommitVersionReply, EditSessionEvents, Principal, ReceivedFile, ServiceSchemas, WordEditFileLimits } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage, uploadReservationProviders } from '@quire/platform';
import {
  buildDocx,
  buildPdf,
  buildZip,
  createBucket,
  createMediumContext,
  listKeys,
  MediumContext,
  mediumOutbox,
  outboxPayloads,
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
import { EditSession } from '../src/sessions/edit-session.entity';
import { EndSessionUseCase } from '../src/sessions/end-session.use-case';
import { SessionLeases } from '../src/sessions/session-lease';
import { SessionsRepository } from '../src/sessions/sessions.repository';
import { StartSessionUseCase } from '../src/sessions/start-session.use-case';
import { TakeOverSessionUseCase } from '../src/sessions/take-over-session.use-case';
import { ReceivedFiles } from '../src/storage/received-files';
import { TemplatesRepository } from '../src/templates/templates.repository';
import { CommitAgentUploadUseCase } from '../src/versions/commit-agent-upload.use-case';
import { ReserveAgentUploadUseCase } from '../src/versions/reserve-agent-upload.use-case';
import { VersionsRepository } from '../src/versions/versions.repository';

const SCHEMA = ServiceSchemas['edit-session'];
const MiB = 1024 * 1024;

interface Pair {
  word?: Buffer;
  pdf?: Buffer;
}

/**
 * The Word agent's save (ReserveAgentUpload + CommitAgentUpload) on the real repositories and S3:
 * the rules apps/edit-session/test/agent-upload.e2e-spec.ts no longer repeats through the gateway.
 */
describe('agent save: ReserveAgentUpload + CommitAgentUpload (medium: real Postgres, real S3)', () => {
  const s3: S3Client = testS3Client();
  const bucket = `agent-save-${uniqueId()}`.toLowerCase();
  const env = Object.assign(new EditSessionEnv(), { JWT_SECRET: TEST_JWT_SECRET, EDIT_SESSION_LEASE_SECONDS: 900, EDIT_SESSION_TTL_SECONDS: 8 * 3600 });
  let context: MediumContext;
  let storage: ObjectStorage;
  const user = (accountId: string = randomUUID(), roles: string[] = ['user']): Principal => ({
    accountId,
    userId: randomUUID(),
    roles,
    scopes: [],
    displayName: `User ${roles.join('+')}`,
  });
  /** The principal the gateway resolves from an edit-session token. */
  const agentOf = (session: EditSession, tokenId = session.tokenId, userId = session.authorUserId, accountId = session.accountId): Principal => ({
    accountId,
    userId,
    roles: [],
    scopes: [editSessionScope(session.id, tokenId)],
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
        ReceivedFiles,
        StartSessionUseCase,
        EndSessionUseCase,
        TakeOverSessionUseCase,
        ReserveAgentUploadUseCase,
        CommitAgentUploadUseCase,
        ...uploadReservationProviders(EditSessionEnv, () => ({ sweepIntervalMs: 60_000, keepSettledSeconds: 60 })),
      ],
    });
  });
  afterAll(async () => {
    await context?.close();
    await removeBucket(s3, bucket).catch(() => undefined);
  });

  async function startSession(author: Principal = user()): Promise<EditSession> {
    const report = await context.get(ReportsRepository).create(author, { title: 'R', createdBy: author.userId });
    const docxKey = `edit-session/${author.accountId}/templates/${randomUUID()}.docx`;
    await storage.put(docxKey, buildDocx('template'));
    const template = await context.get(TemplatesRepository).create(author, { name: 'T', docxKey, docxSize: 10, docxSha256: 'a'.repeat(64), createdBy: author.userId });
    const request = { lab_report_id: Number(report.id), template_id: Number(template.id), word_s3_filepath: `s3://${bucket}/${docxKey}` };
    return (await context.get(StartSessionUseCase).execute({ principal: author, request })).session;
  }

  const received = (field: string, key: string, bytes: Buffer, size = bytes.length): ReceivedFile => ({
    field,
    key,
    size,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    fileName: field === AgentUploadFields.word ? 'report.docx' : 'report.pdf',
    declaredContentType: 'application/octet-stream',
    detectedContentType: field === AgentUploadFields.word ? 'application/zip' : 'application/pdf',
  });

  /** What the gateway does: the preflight, both files at their reserved keys, then the commit. */
  async function save(agent: Principal, session: EditSession, pair: Pair, sizes: { word?: number } = {}) {
    const reservation = await context.get(ReserveAgentUploadUseCase).execute(agent, Number(session.id));
    const [wordKey, pdfKey] = reservation.parts.map((part) => part.key) as [string, string];
    const files: ReceivedFile[] = [];
    if (pair.word) {
      await storage.put(wordKey, pair.word);
      files.push(received(AgentUploadFields.word, wordKey, pair.word, sizes.word));
    }
    if (pair.pdf) {
      await storage.put(pdfKey, pair.pdf);
      files.push(received(AgentUploadFields.pdf, pdfKey, pair.pdf));
    }
    const command = { reservationId: reservation.reservationId, edit_id: Number(session.id), files };
    const commit = () => context.get(CommitAgentUploadUseCase).execute(agent, command);
    let reply: CommitVersionReply | undefined;
    let error: DomainError | undefined;
    try {
      reply = await commit();
    } catch (failure) {
      if (!(failure instanceof DomainError)) throw failure;
      error = failure;
    }
    return { reply, error, keys: [wordKey, pdfKey], commit };
  }

  const versionsOf = async (session: EditSession): Promise<number> =>
    (await context.dataSource.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."report_versions" WHERE lab_report_id = $1`, [session.labReportId]))[0].n;
  const keysLeft = async (keys: string[]): Promise<string[]> => (await Promise.all(keys.map((key) => listKeys(s3, bucket, key)))).flat();

  describe('versions and idempotency', () => {
    it('stores the pair in place as version 1, with an s3:// path for each and a files_uploaded room event', async () => {
      const session = await startSession();
      const word = buildDocx('first save');
      const pdf = buildPdf('first save');
      const { reply, keys } = await save(agentOf(session), session, { word, pdf });
      expect(reply).toEqual({
        message: 'Files uploaded and linked successfully',
        word_s3_path: `s3://${bucket}/${keys[0]}`,
        pdf_s3_path: `s3://${bucket}/${keys[1]}`,
        version_id: expect.any(Number),
        version_number: 1,
        created: true,
      });
      expect((await storage.getBuffer(keys[0]!))?.equals(word)).toBe(true);
      const events = await outboxPayloads<{ room: string; event: string; data: Record<string, unknown> }>(context.dataSource, SCHEMA, EditSessionEvents.filesUploaded);
      expect(events.filter((e) => e.room === `external_edit_${session.labReportId}`)).toEqual([
        expect.objectContaining({ event: 'files_uploaded', data: expect.objectContaining({ version_id: reply!.version_id, version_number: 1, edit_id: Number(session.id) }) }),
      ]);
    });

    it('the same pair again answers the latest version (created: false), records nothing and deletes the repeat', async () => {
      const session = await startSession();
      const pair = { word: buildDocx('same'), pdf: buildPdf('same') };
      const first = await save(agentOf(session), session, pair);
      const again = await save(agentOf(session), session, pair);
      expect(again.reply).toEqual({ ...first.reply, created: false });
      expect(await versionsOf(session)).toBe(1);
      expect(await keysLeft(again.keys)).toEqual([]);
      expect(await keysLeft(first.keys)).toEqual(first.keys);
    });

    it.each<[string, (base: Required<Pair>) => Required<Pair>]>([
      ['the .docx changed', (base) => ({ ...base, word: buildDocx('changed') })],
      ['the PDF changed', (base) => ({ ...base, pdf: buildPdf('changed') })],
      ['both changed', () => ({ word: buildDocx('both'), pdf: buildPdf('both') })],
    ])('a new version when %s', async (_case, change) => {
      const session = await startSession();
      const base = { word: buildDocx('base'), pdf: buildPdf('base') };
      await save(agentOf(session), session, base);
      const changed = await save(agentOf(session), session, change(base));
      expect(changed.reply).toMatchObject({ version_number: 2, created: true });
      expect(await versionsOf(session)).toBe(2);
    });

    it('a pair equal to an older version (not the latest) is a new version', async () => {
      const session = await startSession();
      const a = { word: buildDocx('a'), pdf: buildPdf('a') };
      await save(agentOf(session), session, a);
      await save(agentOf(session), session, { word: buildDocx('b'), pdf: buildPdf('b') });
      expect((await save(agentOf(session), session, a)).reply).toMatchObject({ version_number: 3, created: true });
    });

    it('a retried commit (same reservation) answers the first answer, one version', async () => {
      const session = await startSession();
      const first = await save(agentOf(session), session, { word: buildDocx('retry'), pdf: buildPdf('retry') });
      await expect(first.commit()).resolves.toEqual(first.reply);
      expect(await versionsOf(session)).toBe(1);
    });

    it("renews the session's lease on a save, never past its lifetime", async () => {
      const session = await startSession();
      await context.dataSource.query(`UPDATE "${SCHEMA}"."edit_sessions" SET expires_at = now() + interval '30 seconds' WHERE id = $1`, [session.id]);
      await save(agentOf(session), session, { word: buildDocx('lease'), pdf: buildPdf('lease') });
      const lease = async () => (await context.get(SessionsRepository).find(session, session.id))!;
      expect((await lease()).expiresAt.getTime()).toBeGreaterThan(Date.now() + 800_000);
      await context.dataSource.query(
        `UPDATE "${SCHEMA}"."edit_sessions" SET expires_at = now() + interval '5 seconds', max_expires_at = now() + interval '10 seconds' WHERE id = $1`,
        [session.id],
      );
      await save(agentOf(session), session, { word: buildDocx('capped'), pdf: buildPdf('capped') });
      const capped = await lease();
      expect(capped.expiresAt.getTime()).toBe(capped.maxExpiresAt.getTime());
    });
  });

  describe('a refused save leaves no version and no object', () => {
    const cases: Array<[string, () => Pair, { word?: number } | undefined, ErrorCode, Record<string, unknown>]> = [
      ['a zip without word/document.xml', () => ({ word: buildZip([{ name: '[Content_Types].xml', data: '<Types/>' }]), pdf: buildPdf() }), undefined, ErrorCode.InvalidFileType, { reason: 'missing word/document.xml' }],
      [
        'a zip bomb (declared sizes)',
        () => ({
          word: buildZip([
            { name: '[Content_Types].xml', data: '<Types/>' },
            { name: 'word/document.xml', data: 'x'.repeat(1000), declaredSize: 600 * MiB },
          ]),
          pdf: buildPdf(),
        }),
        undefined,
        ErrorCode.BadRequest,
        { field: 'word_file' },
      ],
      ['a PDF as word_file', () => ({ word: buildPdf(), pdf: buildPdf() }), undefined, ErrorCode.InvalidFileType, { field: 'word_file' }],
      ['a broken archive as word_file', () => ({ word: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200)]), pdf: buildPdf() }), undefined, ErrorCode.InvalidFileType, { field: 'word_file' }],
      ['a .docx as pdf_file', () => ({ word: buildDocx(), pdf: buildDocx() }), undefined, ErrorCode.InvalidFileType, { field: 'pdf_file' }],
      ['an empty pdf_file', () => ({ word: buildDocx(), pdf: Buffer.alloc(0) }), undefined, ErrorCode.InvalidFileType, { field: 'pdf_file' }],
      ['a missing pdf_file', () => ({ word: buildDocx() }), undefined, ErrorCode.ValidationFailed, { missing: ['pdf_file'] }],
      ['a missing word_file', () => ({ pdf: buildPdf() }), undefined, ErrorCode.ValidationFailed, { missing: ['word_file'] }],
      ['a .docx over 50 MB (as measured by the gateway)', () => ({ word: buildDocx(), pdf: buildPdf() }), { word: WordEditFileLimits.maxDocxBytes + 1 }, ErrorCode.PayloadTooLarge, { field: 'word_file' }],
      ['a size that does not match the object', () => ({ word: buildDocx(), pdf: buildPdf() }), { word: 10 }, ErrorCode.BadRequest, { reason: 'uploaded object missing' }],
    ];

    it.each(cases)('%s', async (_case, pair, sizes, code, details) => {
      const session = await startSession();
      const { error, keys } = await save(agentOf(session), session, pair(), sizes);
      expect(error).toMatchObject({ code, details: expect.objectContaining(details) });
      expect(await versionsOf(session)).toBe(0);
      expect(await keysLeft(keys)).toEqual([]);
    });
  });

  describe('only the current token of an active session saves (FORBIDDEN otherwise)', () => {
    type Spoil = (session: EditSession, others: { sameAccount: EditSession; otherAccount: EditSession }) => Promise<Principal>;
    const cases: Array<[string, Spoil]> = [
      ["another session's token of the same account", async (_s, { sameAccount }) => agentOf(sameAccount)],
      ["another account's session token", async (_s, { otherAccount }) => agentOf(otherAccount)],
      ['a token id the session never had', async (session) => agentOf(session, randomUUID())],
      ['the right token for another user', async (session) => agentOf(session, session.tokenId, randomUUID())],
      ['the right token in another account', async (session) => agentOf(session, session.tokenId, session.authorUserId, randomUUID())],
      ['a login principal (no session scope)', async (session) => ({ accountId: session.accountId, userId: session.authorUserId, roles: ['user'], scopes: [] })],
      [
        'the token of an ended session',
        async (session) => {
          await context.get(EndSessionUseCase).execute({ principal: { ...user(session.accountId), userId: session.authorUserId }, editId: Number(session.id) });
          return agentOf(session);
        },
      ],
      [
        'the token of a lapsed session',
        async (session) => {
          await context.dataSource.query(`UPDATE "${SCHEMA}"."edit_sessions" SET expires_at = now() - interval '1 second' WHERE id = $1`, [session.id]);
          return agentOf(session);
        },
      ],
      [
        'the old token after a takeover',
        async (session) => {
          await context.get(TakeOverSessionUseCase).execute({ principal: user(session.accountId, ['user', 'report_editor']), editId: Number(session.id) });
          return agentOf(session);
        },
      ],
    ];

    it.each(cases)('%s: the preflight refuses', async (_case, spoil) => {
      const session = await startSession();
      const agent = await spoil(session, { sameAccount: await startSession(user(session.accountId)), otherAccount: await startSession() });
      await expect(context.get(ReserveAgentUploadUseCase).execute(agent, Number(session.id))).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      expect(await versionsOf(session)).toBe(0);
    });

    const changes: Array<[string, (session: EditSession) => Promise<unknown>]> = [
      ['ended', (session) => context.get(EndSessionUseCase).execute({ principal: { ...user(session.accountId), userId: session.authorUserId }, editId: Number(session.id) })],
      ['lapsed', (session) => context.dataSource.query(`UPDATE "${SCHEMA}"."edit_sessions" SET expires_at = now() - interval '1 second' WHERE id = $1`, [session.id])],
      ['taken over', (session) => context.get(TakeOverSessionUseCase).execute({ principal: user(session.accountId, ['user', 'report_editor']), editId: Number(session.id) })],
    ];

    it.each(changes)('a session %s between the preflight and the commit: the commit refuses and deletes both objects', async (_case, change) => {
      const session = await startSession();
      const agent = agentOf(session);
      const reservation = await context.get(ReserveAgentUploadUseCase).execute(agent, Number(session.id));
      const [wordKey, pdfKey] = reservation.parts.map((part) => part.key) as [string, string];
      const word = buildDocx('late');
      const pdf = buildPdf('late');
      await storage.put(wordKey, word);
      await storage.put(pdfKey, pdf);
      await change(session);
      const command = { reservationId: reservation.reservationId, edit_id: Number(session.id), files: [received(AgentUploadFields.word, wordKey, word), received(AgentUploadFields.pdf, pdfKey, pdf)] };
      await expect(context.get(CommitAgentUploadUseCase).execute(agent, command)).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      expect(await versionsOf(session)).toBe(0);
      expect(await keysLeft([wordKey, pdfKey])).toEqual([]);
    });

    it("a commit naming this session with another session's token is refused, even with a reservation of the account", async () => {
      const session = await startSession();
      const other = await startSession(user(session.accountId));
      const reservation = await context.get(ReserveAgentUploadUseCase).execute(agentOf(other), Number(other.id));
      const [wordKey, pdfKey] = reservation.parts.map((part) => part.key) as [string, string];
      const word = buildDocx('cross');
      const pdf = buildPdf('cross');
      await storage.put(wordKey, word);
      await storage.put(pdfKey, pdf);
      const command = { reservationId: reservation.reservationId, edit_id: Number(session.id), files: [received(AgentUploadFields.word, wordKey, word), received(AgentUploadFields.pdf, pdfKey, pdf)] };
      await expect(context.get(CommitAgentUploadUseCase).execute(agentOf(other), command)).rejects.toMatchObject({ code: ErrorCode.Forbidden });
      expect(await versionsOf(session)).toBe(0);
      expect(await versionsOf(other)).toBe(0);
    });
  });
});
