/** The page API as the viewer calls it (PrizmDoc's viewer calls, ADR 012; `side` for comparisons). */

export type Side = 'original' | 'revised';

export interface PageSize {
  width: number;
  height: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TextWord extends Rect {
  text: string;
}

export interface PageText {
  page: number;
  width: number;
  height: number;
  words: TextWord[];
}

export interface RevisionSide {
  pageIndex: number;
  rectangles: Rect[];
}

export interface Revision {
  type: 'insertion' | 'deletion' | 'replacement';
  originalText?: string;
  revisedText?: string;
  original?: RevisionSide | null;
  revised?: RevisionSide | null;
}

export interface ViewerSession {
  kind: 'single' | 'comparison';
  expiresAt: string;
}

/** An answer other than 2xx, with the family's `errorCode` when it has one. */
export class ViewerApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
  }

  /** 404 DocumentNotFound: the session expired, was deleted or never existed (the service cannot tell them apart). */
  get sessionGone(): boolean {
    return this.status === 404;
  }
}

/** How long "not ready yet" answers (480 NotReady, 503, 429 with Retry-After) are waited out. */
const NOT_READY_DEADLINE_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function getJson<T>(url: string): Promise<T> {
  const deadline = Date.now() + NOT_READY_DEADLINE_MS;
  for (;;) {
    // A plain same-origin GET, so it matches the page's <link rel="preload" as="fetch" crossorigin>.
    const response = await fetch(url, { credentials: 'same-origin' });
    if (response.ok) return (await response.json()) as T;
    let body: { errorCode?: string; message?: string; errorDetails?: { message?: string } } = {};
    try {
      body = (await response.json()) as typeof body;
    } catch {
      // not JSON: keep the status only
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    const waitable = response.status === 503 || response.status === 429 || (response.status === 480 && body.errorCode === 'NotReady');
    if (waitable && Number.isFinite(retryAfter) && Date.now() + retryAfter * 1000 < deadline) {
      await sleep(Math.max(250, retryAfter * 1000));
      continue;
    }
    throw new ViewerApiError(response.status, body.errorCode, body.message ?? body.errorDetails?.message ?? body.errorCode ?? `HTTP ${response.status}`);
  }
}

const PAS = '/pas';

export function viewerSession(sessionId: string): Promise<ViewerSession> {
  return getJson(`${PAS}/quire/viewerSession?DocumentID=u${encodeURIComponent(sessionId)}`);
}

export async function revisionData(sessionId: string, limit: number, continueToken?: string): Promise<{ revisions: Revision[]; continueToken?: string | null }> {
  const token = continueToken ? `&continueToken=${encodeURIComponent(continueToken)}` : '';
  return getJson(`${PAS}/v2/viewingSessions/${encodeURIComponent(sessionId)}/revisionData?limit=${limit}${token}`);
}

/** One document of a session: the session's own, or one side of a comparison. */
export class PageApi {
  private readonly params: string;

  constructor(
    readonly sessionId: string,
    readonly side?: Side,
  ) {
    this.params = `DocumentID=u${encodeURIComponent(sessionId)}${side ? `&side=${side}` : ''}`;
  }

  async pageCount(): Promise<number> {
    return (await getJson<{ pageCount: number }>(`${PAS}/Document/q/Attributes?${this.params}`)).pageCount;
  }

  async pageSize(page: number): Promise<PageSize> {
    const attributes = await getJson<{ imageWidth: number; imageHeight: number }>(`${PAS}/Page/q/${page}/Attributes?${this.params}`);
    return { width: attributes.imageWidth, height: attributes.imageHeight };
  }

  pageImageUrl(page: number, scale: number): string {
    return `${PAS}/Page/q/${page}?${this.params}&ContentType=png${scale !== 1 ? `&Scale=${scale}` : ''}`;
  }

  thumbnailUrl(page: number): string {
    return `${PAS}/Page/q/${page}/160x160?${this.params}&ContentType=png`;
  }

  /** Words of pages begin..end (the service answers at most 101 pages at once). */
  async text(begin: number, end: number): Promise<PageText[]> {
    return (await getJson<{ pages: PageText[] }>(`${PAS}/Document/q/${begin}-${end}/Text?${this.params}`)).pages;
  }
}
