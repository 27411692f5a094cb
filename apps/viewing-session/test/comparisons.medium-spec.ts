import { randomUUID } from 'node:crypto';
import { RevisionDataReply, ServiceSchemas } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { AccountScope, loadEnv } from '@quire/platform';
import { createMediumContext, MediumContext, testEnv, waitFor } from '@quire/testing';
import { Comparison } from '../src/comparisons/comparison.entity';
import { ComparisonsRepository } from '../src/comparisons/comparisons.repository';
import { ComparisonsService } from '../src/comparisons/comparisons.service';
import { migrations } from '../src/migrations';
import { PageImage, PageText, RenditionFailed, RenditionNotReady, Renditions } from '../src/renditions/renditions.api';
import { ViewingSession, ViewingSessionSource } from '../src/sessions/viewing-session.entities';
import { ViewingSessionsRepository } from '../src/sessions/viewing-sessions.repository';
import { ViewingSessionEnv } from '../src/viewing-session.env';
import { comparisonProviders } from '../src/viewing-session.module';

/** Words of a page laid out 8 a line, 60 px apart, lines 20 px apart (96-dpi pixels). */
function layout(text: string, page: number): PageText {
  const words = text.split(' ').map((word, i) => ({ text: word, x: 96 + (i % 8) * 60, y: 96 + Math.floor(i / 8) * 20, width: 50, height: 14 }));
  return { page, width: 816, height: 1056, words };
}

const sentence = (page: number, n: number) => `Page ${page} sentence ${n} says the specimen was kept cold and logged on arrival`;
const pageText = (page: number) => [0, 1, 2].map((n) => sentence(page, n)).join(' ');

/** A promise and its resolve (Node 20 has no Promise.withResolvers). */
function opened(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/**
 * The renditions' text, from memory: what is under test is the comparison (windows, checkpoints,
 * leases, paging), not pdftotext (the e2e test reads real PDFs). Pages from `gateFrom` on wait
 * for `open()`, so a test can look at a comparison that is certainly still running.
 */
class TextRenditions extends Renditions {
  readonly documents = new Map<string, string[]>();
  readonly failed = new Set<string>();
  readonly notReadyFor = new Map<string, number>();
  readonly reads: Array<{ renditionId: string; page: number }> = [];
  gateFrom = Infinity;
  private gate = opened();
  open() {
    this.gate.resolve();
  }
  close() {
    this.gate = opened();
  }
  async start() {
    return { renditionId: randomUUID() };
  }
  async documentAttributes(_scope: AccountScope, renditionId: string) {
    if (this.failed.has(renditionId)) throw new RenditionFailed('soffice could not read it');
    const left = this.notReadyFor.get(renditionId) ?? 0;
    if (left > 0) {
      this.notReadyFor.set(renditionId, left - 1);
      throw new RenditionNotReady(1);
    }
    return { pageCount: this.documents.get(renditionId)!.length, confidence: 100 };
  }
  async pageAttributes() {
    return { width: 816, height: 1056 };
  }
  async pageImage(): Promise<PageImage> {
    throw new Error('no images here');
  }
  async text(_scope: AccountScope, renditionId: string, begin: number, end: number): Promise<PageText[]> {
    const pages = this.documents.get(renditionId)!;
    const last = Math.min(end, pages.length - 1);
    for (let page = begin; page <= last; page++) this.reads.push({ renditionId, page });
    if (last >= this.gateFrom) await this.gate.promise;
    return pages.slice(begin, last + 1).map((text, i) => layout(text, begin + i));
  }
}

describe('comparisons (medium: real Postgres, windows and leases)', () => {
  let context: MediumContext;
  const renditions = new TextRenditions();
  const env = loadEnv(ViewingSessionEnv, testEnv({ HTTP_PORT: '0', VIEWING_COMPARISON_WINDOW_PAGES: '2', VIEWING_REVISION_DATA_MAX_LIMIT: '50' }));
  const account = randomUUID();

  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: ServiceSchemas['viewing-session'], entities: [ViewingSession, ViewingSessionSource, Comparison], migrations },
      env,
      providers: [ViewingSessionsRepository, ...comparisonProviders, { provide: Renditions, useValue: renditions }],
    });
  });
  afterAll(async () => {
    renditions.open();
    await context?.close();
  });

  const service = () => context.get(ComparisonsService);
  const code = (error: unknown) => (error instanceof DomainError ? { code: error.code, ...error.details } : error);
  const failure = (promise: Promise<unknown>) => promise.then(() => 'resolved', code);

  /** A comparison session of two documents (pages of text), straight into the tables. */
  async function session(original: string[] | null, revised: string[] | null, kind: 'comparison' | 'single' = 'comparison'): Promise<string> {
    const id = randomUUID().replace(/-/g, '');
    const now = new Date();
    const row = Object.assign(new ViewingSession(), {
      id, accountId: account, kind, sourceType: kind === 'comparison' ? 'comparison' : 'upload', documentId: null, watermarks: [], render: {},
      createdBy: 'test', createdAt: now, expiresAt: new Date(now.getTime() + 3600_000),
    } satisfies ViewingSession);
    const slot = (name: ViewingSessionSource['slot'], pages: string[] | null) => {
      const renditionId = pages ? randomUUID() : null;
      if (pages) renditions.documents.set(renditionId!, pages);
      return Object.assign(new ViewingSessionSource(), {
        accountId: account, sessionId: id, slot: name, sourceType: 'upload', reference: null, objectKey: pages ? `k/${renditionId}` : null, sizeBytes: pages ? 1 : null,
        sha256: null, contentType: null, name: null, renditionId, owned: true, receivedAt: pages ? now : null,
      } satisfies ViewingSessionSource);
    };
    const sources = kind === 'comparison' ? [slot('original', original), slot('revised', revised)] : [slot('single', original)];
    await context.get(ViewingSessionsRepository).insert({ accountId: account }, row, sources);
    return id;
  }

  /** revisionData once it answers (480 NotReady while nothing past the token is computed). */
  function ready(viewingSessionId: string, extra: { limit?: number; continueToken?: string } = {}): Promise<RevisionDataReply> {
    return waitFor(
      async () => {
        try {
          return await service().revisionData({ viewingSessionId, ...extra });
        } catch (error) {
          if (error instanceof RenditionNotReady) return undefined;
          throw error;
        }
      },
      { timeoutMs: 15_000, intervalMs: 20, description: 'revisionData' },
    );
  }

  const state = (id: string) => context.get(ComparisonsRepository).find({ accountId: account }, id);

  it('identical documents: no revisions and no continueToken; NotReady (Retry-After) until computed', async () => {
    const pages = [pageText(0), pageText(1), pageText(2)];
    const id = await session(pages, [...pages]);
    renditions.notReadyFor.set((await context.get(ViewingSessionsRepository).sources({ accountId: account }, id))[0]!.renditionId!, 2);
    const first = await failure(service().revisionData({ viewingSessionId: id }));
    expect(first).toMatchObject({ errorCode: 'NotReady', retryAfterSeconds: 1 });
    expect(await ready(id)).toEqual({ revisions: [] });
    expect(await state(id)).toMatchObject({ state: 'complete', revisionCount: 0, nextOriginalPage: 3, nextRevisedPage: 3 });
  });

  it('answers the first changes with a continueToken while the rest is not computed; paging then reads every change once', async () => {
    const original = Array.from({ length: 12 }, (_, p) => pageText(p));
    const revised = original.map((text, p) => (p % 2 === 0 ? text.replace(`sentence 1 says`, `sentence 1 now says`) : text));
    revised[5] = revised[5]!.replace(`Page 5 sentence 2 says the specimen was kept cold`, `Page 5 sentence 2 says the specimen was kept frozen`);
    revised[7] = revised[7]!.replace(` logged on arrival Page 7 sentence 2`, ` Page 7 sentence 2`);
    renditions.gateFrom = 4;
    renditions.close();
    const id = await session(original, revised);
    await failure(service().revisionData({ viewingSessionId: id }));
    const ids = (await context.get(ViewingSessionsRepository).sources({ accountId: account }, id)).map((source) => source.renditionId);
    // The job is held at the gate (it asked for page 4): what is computed now stays so until open().
    await waitFor(() => renditions.reads.some((read) => ids.includes(read.renditionId) && read.page === 4), { description: 'the job at the gate' });
    const first = await ready(id);
    // Computed so far: pages before the gate only, and the comparison is certainly still running.
    expect(first.continueToken).toEqual(expect.any(String));
    expect(first.revisions.length).toBeGreaterThan(0);
    expect(first.revisions.every((revision) => revision.revised!.pageIndex < 4)).toBe(true);
    expect(await state(id)).toMatchObject({ state: 'running' });
    // Past what is computed: NotReady, not an empty page.
    const past = await failure(service().revisionData({ viewingSessionId: id, continueToken: first.continueToken! }));
    expect(past).toMatchObject({ errorCode: 'NotReady' });
    renditions.open();
    await waitFor(async () => (await state(id))?.state === 'complete', { timeoutMs: 15_000, description: 'complete' });

    const seen: RevisionDataReply['revisions'] = [];
    let token: string | undefined;
    let calls = 0;
    do {
      const page = await service().revisionData({ viewingSessionId: id, limit: 2, ...(token ? { continueToken: token } : {}) });
      expect(page.revisions.length).toBeLessThanOrEqual(2);
      seen.push(...page.revisions);
      token = page.continueToken;
      calls++;
    } while (token && calls < 50);
    expect(token).toBeUndefined();
    expect(seen.map((r) => [r.type, r.originalText, r.revisedText, r.original?.pageIndex, r.revised?.pageIndex])).toEqual([
      ['insertion', '', 'now', 0, 0],
      ['insertion', '', 'now', 2, 2],
      ['insertion', '', 'now', 4, 4],
      ['replacement', 'cold', 'frozen', 5, 5],
      ['insertion', '', 'now', 6, 6],
      ['deletion', 'logged on arrival', '', 7, 7],
      ['insertion', '', 'now', 8, 8],
      ['insertion', '', 'now', 10, 10],
    ]);
    // "now" is word 18 of revised page 0 (14 words a sentence; 8 a line): line 2, column 2.
    expect(seen[0]!.revised).toEqual({ pageIndex: 0, rectangles: [{ x: 216, y: 136, width: 50, height: 14 }] });
    expect(seen[0]!.original!.rectangles[0]).toMatchObject({ width: 0 });
    // Each page of each side was read once.
    const reads = renditions.reads.filter((read) => ids.includes(read.renditionId)).map((read) => `${read.renditionId}:${read.page}`);
    expect(reads).toHaveLength(24);
    expect(new Set(reads).size).toBe(24);
    renditions.gateFrom = Infinity;
  });

  it('input: an edited token, a limit past the maximum, a single-document session, an unknown one', async () => {
    const id = await session([pageText(0)], [pageText(0).replace('cold', 'warm')]);
    const done = await ready(id, { limit: 1 });
    expect(done.revisions).toHaveLength(1);
    // Another session's token (two changes read one at a time: the first answer has one).
    const other = await session([pageText(0)], [pageText(0).replace('cold', 'warm').replace('arrival', 'entry')]);
    const foreign = (await ready(other, { limit: 1 })).continueToken;
    expect(foreign).toEqual(expect.any(String));
    for (const continueToken of ['AAAA', foreign!]) {
      expect(await failure(service().revisionData({ viewingSessionId: id, continueToken }))).toMatchObject({ errorCode: 'InvalidInput', in: 'query', at: 'continueToken' });
    }
    expect(await failure(service().revisionData({ viewingSessionId: id, limit: 51 }))).toMatchObject({ errorCode: 'InvalidInput', at: 'limit' });
    const single = await session([pageText(0)], null, 'single');
    expect(await failure(service().revisionData({ viewingSessionId: single }))).toMatchObject({ errorCode: 'IncorrectUsage' });
    expect(await failure(service().revisionData({ viewingSessionId: 'X'.repeat(32) }))).toMatchObject({ errorCode: 'DocumentNotFound' });
  });

  it('a comparison whose slot is not uploaded yet is NotReady; a failed rendition ends it as 480 ConversionFailed', async () => {
    const waiting = await session([pageText(0)], null);
    expect(await failure(service().revisionData({ viewingSessionId: waiting }))).toMatchObject({ errorCode: 'NotReady' });
    const id = await session([pageText(0)], [pageText(0)]);
    const [original] = await context.get(ViewingSessionsRepository).sources({ accountId: account }, id);
    renditions.failed.add(original!.renditionId!);
    expect(await failure(service().revisionData({ viewingSessionId: id }))).toMatchObject({ errorCode: 'NotReady' });
    await waitFor(async () => (await state(id))?.state === 'error', { timeoutMs: 10_000, description: 'error state' });
    expect(await failure(service().revisionData({ viewingSessionId: id }))).toMatchObject({ errorCode: 'ConversionFailed' });
  });

  it('a lease held by a live replica is left alone; an expired one (a dead replica) is taken over and the work goes on', async () => {
    const pages = [pageText(0), pageText(1)];
    const id = await session(pages, [pages[0]!, pages[1]!.replace('cold', 'warm')]);
    const repository = context.get(ComparisonsRepository);
    const [original, revised] = await context.get(ViewingSessionsRepository).sources({ accountId: account }, id);
    await repository.findOrCreate({ accountId: account }, id, { original: original!.renditionId!, revised: revised!.renditionId! });
    await context.dataSource.query(`UPDATE viewing.comparisons SET lease_owner = 'other-replica', lease_until = now() + interval '1 hour' WHERE session_id = $1`, [id]);
    expect(await failure(service().revisionData({ viewingSessionId: id }))).toMatchObject({ errorCode: 'NotReady' });
    expect(await state(id)).toMatchObject({ state: 'running', leaseOwner: 'other-replica', nextOriginalPage: 0 });
    await context.dataSource.query(`UPDATE viewing.comparisons SET lease_until = now() - interval '1 second' WHERE session_id = $1`, [id]);
    const answer = await ready(id);
    expect(answer.revisions.map((r) => [r.originalText, r.revisedText])).toEqual([['cold', 'warm']]);
    expect((await state(id))!.leaseOwner).not.toBe('other-replica');
  });

  it('deleting the session deletes its comparison and revisions', async () => {
    const id = await session([pageText(0)], [pageText(1)]);
    await ready(id);
    await context.dataSource.query(`DELETE FROM viewing.viewing_sessions WHERE id = $1`, [id]);
    const [{ count }] = (await context.dataSource.query(
      `SELECT (SELECT count(*) FROM viewing.comparisons WHERE session_id = $1) + (SELECT count(*) FROM viewing.comparison_revisions WHERE session_id = $1) AS count`,
      [id],
    )) as Array<{ count: string }>;
    expect(Number(count)).toBe(0);
  });
});
