import './viewer.css';
import { PageApi, ViewerApiError, viewerSession } from './api';
import { ChangeList } from './changes';
import { DocumentView } from './document-view';
import { Search } from './search';
import { ThumbnailStrip } from './thumbnails';
import { clampZoom, fitZoom, imageScaleFor, stepZoom, ZoomMode } from './zoom';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const ui = {
  documents: byId<HTMLDivElement>('documents'),
  thumbnails: byId<HTMLElement>('thumbnails'),
  changes: byId<HTMLElement>('changes'),
  changeList: byId<HTMLOListElement>('change-list'),
  changesTitle: byId<HTMLElement>('changes-title'),
  status: byId<HTMLDivElement>('status'),
  statusTitle: byId<HTMLElement>('status-title'),
  statusDetail: byId<HTMLElement>('status-detail'),
  pageInput: byId<HTMLInputElement>('page-input'),
  pageCount: byId<HTMLElement>('page-count'),
  prevPage: byId<HTMLButtonElement>('prev-page'),
  nextPage: byId<HTMLButtonElement>('next-page'),
  zoomIn: byId<HTMLButtonElement>('zoom-in'),
  zoomOut: byId<HTMLButtonElement>('zoom-out'),
  zoomSelect: byId<HTMLSelectElement>('zoom-select'),
  searchForm: byId<HTMLFormElement>('search-form'),
  searchInput: byId<HTMLInputElement>('search-input'),
  searchPrev: byId<HTMLButtonElement>('search-prev'),
  searchNext: byId<HTMLButtonElement>('search-next'),
  searchCount: byId<HTMLElement>('search-count'),
  toggleChanges: byId<HTMLButtonElement>('toggle-changes'),
  toggleThumbnails: byId<HTMLButtonElement>('toggle-thumbnails'),
};

type State = 'loading' | 'ready' | 'error';

function setState(state: State, title = '', detail = ''): void {
  document.documentElement.dataset['state'] = state;
  ui.status.hidden = state === 'ready';
  ui.status.classList.toggle('error', state === 'error');
  ui.statusTitle.textContent = title;
  ui.statusDetail.textContent = detail;
}

function describe(error: unknown): { title: string; detail: string } {
  if (error instanceof ViewerApiError) {
    if (error.sessionGone) {
      return { title: 'This viewing session has expired', detail: 'The link is no longer valid (sessions end after a while, or when they are closed). Open the document again to get a new one.' };
    }
    if (error.errorCode === 'ConversionFailed') return { title: 'The document could not be converted', detail: error.message };
    if (error.errorCode === 'UnsupportedFormat' || error.errorCode === 'UnsupportedFormatForComparison') return { title: 'This file format cannot be viewed', detail: error.message };
    if (error.errorCode === 'NotReady') return { title: 'The document is taking long to prepare', detail: 'Try again in a moment.' };
    return { title: 'The document could not be opened', detail: `${error.message} (${error.errorCode ?? error.status})` };
  }
  return { title: 'The document could not be opened', detail: error instanceof Error ? error.message : String(error) };
}

class Viewer {
  private mode: ZoomMode = 'fit-width';
  private zoom = 1;
  private active: DocumentView;
  private thumbnails?: ThumbnailStrip;
  private changes?: ChangeList;
  private search: Search;

  constructor(
    private readonly views: DocumentView[],
    comparison: { sessionId: string } | undefined,
  ) {
    this.active = views[views.length - 1]!;
    this.search = new Search(views, ui.searchCount);
    if (comparison) {
      document.documentElement.dataset['kind'] = 'comparison';
      this.changes = new ChangeList(comparison.sessionId, views[0]!, views[1]!, ui.changeList, ui.changesTitle);
      ui.changes.hidden = false;
      ui.toggleChanges.hidden = false;
      ui.toggleChanges.setAttribute('aria-pressed', 'true');
    }
    ui.pageCount.textContent = String(this.active.pageCount);
    this.bind();
    this.applyZoom();
    new ResizeObserver(() => this.mode !== 'custom' && this.applyZoom()).observe(ui.documents);
  }

  attachThumbnails(strip: ThumbnailStrip): void {
    this.thumbnails = strip;
  }

  startExtras(): void {
    this.thumbnails?.start();
    void this.changes?.load().catch((error: unknown) => {
      const why = error instanceof ViewerApiError ? `${error.message} (${error.errorCode ?? error.status})` : String(error);
      ui.changesTitle.textContent = `Changes could not be loaded: ${why}`;
      ui.changesTitle.classList.add('error');
    });
  }

  onCurrentPage(view: DocumentView, page: number): void {
    if (view !== this.active) return;
    if (document.activeElement !== ui.pageInput) ui.pageInput.value = String(page + 1);
    ui.prevPage.disabled = page === 0;
    ui.nextPage.disabled = page >= view.pageCount - 1;
    this.thumbnails?.setCurrent(page);
  }

  goTo(page: number): void {
    const target = Math.max(0, Math.min(this.active.pageCount - 1, page));
    // A comparison's columns go to the same page number (each within its own page count).
    for (const view of this.views) view.scrollToPage(target);
    ui.pageInput.value = String(target + 1);
  }

  setZoom(mode: ZoomMode, zoom?: number): void {
    this.mode = mode;
    if (zoom !== undefined) this.zoom = clampZoom(zoom);
    this.applyZoom();
  }

  private applyZoom(): void {
    if (this.mode !== 'custom') {
      // One zoom for every column: the one that fits the largest page known in each.
      const mode = this.mode;
      this.zoom = Math.min(...this.views.map((view) => fitZoom(mode, view.referenceSize, view.available)));
    }
    for (const view of this.views) view.setZoom(this.zoom);
    const percent = Math.round(this.zoom * 100);
    const preset = [...ui.zoomSelect.options].find((option) => option.value === String(this.zoom));
    if (this.mode !== 'custom') ui.zoomSelect.value = this.mode;
    else if (preset) ui.zoomSelect.value = preset.value;
    else {
      const custom = ui.zoomSelect.querySelector<HTMLOptionElement>('option[value="custom"]')!;
      custom.textContent = `${percent}%`;
      ui.zoomSelect.value = 'custom';
    }
    document.documentElement.dataset['zoom'] = this.zoom.toFixed(3);
  }

  private bind(): void {
    ui.prevPage.addEventListener('click', () => this.goTo(this.active.currentPage - 1));
    ui.nextPage.addEventListener('click', () => this.goTo(this.active.currentPage + 1));
    ui.pageInput.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      const page = Number.parseInt(ui.pageInput.value, 10);
      if (Number.isFinite(page)) this.goTo(page - 1);
      this.active.scroller.focus({ preventScroll: true });
    });
    ui.pageInput.addEventListener('blur', () => (ui.pageInput.value = String(this.active.currentPage + 1)));
    ui.zoomIn.addEventListener('click', () => this.setZoom('custom', stepZoom(this.zoom, 1)));
    ui.zoomOut.addEventListener('click', () => this.setZoom('custom', stepZoom(this.zoom, -1)));
    ui.zoomSelect.addEventListener('change', () => {
      const value = ui.zoomSelect.value;
      if (value === 'fit-width' || value === 'fit-page') this.setZoom(value);
      else if (value !== 'custom') this.setZoom('custom', Number(value));
    });
    ui.searchForm.addEventListener('submit', (event) => event.preventDefault());
    ui.searchInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.searchStep(event.shiftKey ? -1 : 1);
      } else if (event.key === 'Escape') {
        ui.searchInput.value = '';
        this.searched = '';
        void this.search.run('');
        this.active.scroller.focus({ preventScroll: true });
      }
    });
    ui.searchNext.addEventListener('click', () => this.searchStep(1));
    ui.searchPrev.addEventListener('click', () => this.searchStep(-1));
    ui.toggleChanges.addEventListener('click', () => this.toggle(ui.changes, ui.toggleChanges));
    ui.toggleThumbnails.addEventListener('click', () => this.toggle(ui.thumbnails, ui.toggleThumbnails));
    for (const view of this.views) view.scroller.addEventListener('focus', () => this.activate(view));
    document.addEventListener('keydown', (event) => this.onKey(event));
  }

  /** The first Enter (or button) runs the search and shows the first hit; the next ones move through the hits. */
  private searched = '';
  private searchStep(direction: 1 | -1): void {
    const query = ui.searchInput.value.trim();
    if (query && query === this.searched) {
      this.search.next(direction);
      return;
    }
    this.searched = query;
    void this.search.run(query);
  }

  private activate(view: DocumentView): void {
    if (view === this.active) return;
    this.active = view;
    ui.pageCount.textContent = String(view.pageCount);
    this.onCurrentPage(view, view.currentPage);
  }

  private toggle(panel: HTMLElement, button: HTMLButtonElement): void {
    panel.hidden = !panel.hidden;
    button.setAttribute('aria-pressed', String(!panel.hidden));
  }

  private onKey(event: KeyboardEvent): void {
    if (event.ctrlKey && event.key === 'f') {
      event.preventDefault();
      ui.searchInput.focus();
      ui.searchInput.select();
      return;
    }
    const target = event.target as HTMLElement;
    if (event.ctrlKey || event.metaKey || event.altKey || target.closest('input, select, textarea')) return;
    const page = this.active.currentPage;
    const actions: Record<string, () => void> = {
      n: () => this.goTo(page + 1),
      PageDown: () => this.goTo(page + 1),
      ArrowRight: () => this.goTo(page + 1),
      p: () => this.goTo(page - 1),
      PageUp: () => this.goTo(page - 1),
      ArrowLeft: () => this.goTo(page - 1),
      Home: () => this.goTo(0),
      End: () => this.goTo(this.active.pageCount - 1),
      '+': () => this.setZoom('custom', stepZoom(this.zoom, 1)),
      '=': () => this.setZoom('custom', stepZoom(this.zoom, 1)),
      '-': () => this.setZoom('custom', stepZoom(this.zoom, -1)),
      w: () => this.setZoom('fit-width'),
      f: () => this.setZoom('fit-page'),
      '/': () => ui.searchInput.focus(),
      g: () => {
        ui.pageInput.focus();
        ui.pageInput.select();
      },
      t: () => this.toggle(ui.thumbnails, ui.toggleThumbnails),
      c: () => this.changes && this.toggle(ui.changes, ui.toggleChanges),
      ']': () => this.changes?.next(1),
      '[': () => this.changes?.next(-1),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }
}

async function open(): Promise<void> {
  const sessionId = new URLSearchParams(location.search).get('viewingSessionId') ?? '';
  if (!/^[A-Za-z0-9_-]{22,64}$/.test(sessionId)) {
    setState('error', 'No document to show', 'The address needs ?viewingSessionId=… (POST /pas/ViewingSession answers it).');
    return;
  }
  setState('loading', 'Loading document…');
  // One round trip for what the layout needs: the session's kind, and the page count and page 0
  // size of its document asked at the same time. A comparison (whose unsided calls answer its
  // revised document, ADR 012) then asks for each side.
  const unsided = new PageApi(sessionId);
  // Kept referenced until page 1 is shown, so its request is not dropped with it.
  const early = { image: firstPageEarly(unsided) as HTMLImageElement | undefined };
  const firstOf = (api: PageApi) => Promise.all([api.pageCount(), api.pageSize(0)]).then(([pageCount, firstSize]) => ({ api, pageCount, firstSize }));
  const [session, single] = await Promise.all([viewerSession(sessionId), firstOf(unsided)]);
  const sides = session.kind === 'comparison' ? ([['original', 'Original'], ['revised', 'Revised']] as const) : ([[undefined, undefined]] as const);
  const opened =
    session.kind === 'comparison'
      ? await Promise.all([firstOf(new PageApi(sessionId, 'original')), firstOf(new PageApi(sessionId, 'revised'))])
      : [single];
  // The views call back into the viewer, which is made from the views.
  const late: { viewer?: Viewer } = {};
  let firstImages = 0;
  const views = opened.map(
    ({ api, pageCount, firstSize }, i) =>
      new DocumentView(ui.documents, api, pageCount, firstSize, {
        label: sides[i]![1],
        onCurrentPage: (page) => late.viewer?.onCurrentPage(views[i]!, page),
        onFirstImage: () => {
          early.image = undefined;
          if (++firstImages < opened.length) return;
          performance.mark('quire-viewer:first-page');
          document.documentElement.dataset['firstPage'] = 'visible';
          late.viewer?.startExtras();
        },
      }),
  );
  ui.documents.classList.toggle('side-by-side', views.length > 1);
  const viewer = (late.viewer = new Viewer(views, session.kind === 'comparison' ? { sessionId } : undefined));
  const main = views[views.length - 1]!;
  const strip = new ThumbnailStrip(ui.thumbnails, main.api, main.pageCount, opened[opened.length - 1]!.firstSize, (page) => viewer.goTo(page));
  viewer.attachThumbnails(strip);
  strip.setCurrent(0);
  if (firstImages >= opened.length) viewer.startExtras();
  setState('ready');
  main.scroller.focus({ preventScroll: true });
}

/** A US Letter page at 96 dpi: what most documents' page 0 is, before its attributes say. */
const LETTER = { width: 816, height: 1056 };

/**
 * Page 1's image asked for at once, beside the session and page attributes, at the scale fit
 * width will most likely need: when the layout asks for the same URL the browser already has it
 * (or has it on the way), which saves a round trip from the first page's time. A guess that
 * misses (another page size, a comparison's narrower columns) costs that one image.
 */
function firstPageEarly(api: PageApi): HTMLImageElement {
  const available = { width: ui.documents.clientWidth - 48, height: ui.documents.clientHeight - 32 };
  const image = new Image();
  image.decoding = 'async';
  image.addEventListener('error', () => undefined);
  if (available.width > 0) image.src = api.pageImageUrl(0, imageScaleFor(fitZoom('fit-width', LETTER, available), window.devicePixelRatio || 1));
  return image;
}

open().catch((error: unknown) => {
  const { title, detail } = describe(error);
  setState('error', title, detail);
});
