import { PageText } from './api';
import { DocumentView } from './document-view';
import { findHits, SearchHit } from './text-search';

/** Pages of text asked for at once (the service answers at most 101). */
const TEXT_CHUNK_PAGES = 100;

interface ViewHit extends SearchHit {
  view: DocumentView;
}

/**
 * Text search over the Text API: each document's words are fetched once (in chunks, on the first
 * search), every hit is highlighted on its page and the current one is scrolled to.
 */
export class Search {
  private readonly texts = new Map<DocumentView, Promise<PageText[]>>();
  private hits: ViewHit[] = [];
  private index = -1;
  private query = '';
  private generation = 0;

  constructor(
    private readonly views: readonly DocumentView[],
    private readonly counter: HTMLElement,
  ) {}

  async run(query: string): Promise<void> {
    const trimmed = query.trim();
    if (trimmed === this.query) return;
    this.query = trimmed;
    const generation = ++this.generation;
    this.clear();
    if (!trimmed) {
      this.counter.textContent = '';
      return;
    }
    this.counter.textContent = 'Searching…';
    let found: ViewHit[] = [];
    try {
      for (const view of this.views) {
        const pages = await this.textOf(view);
        found = found.concat(findHits(pages, trimmed).map((hit) => ({ ...hit, view })));
      }
    } catch {
      if (generation === this.generation) this.counter.textContent = 'Search failed';
      return;
    }
    if (generation !== this.generation) return;
    this.hits = found;
    this.counter.textContent = found.length ? '' : 'No results';
    for (const hit of found) await hit.view.mark(hit.page, hit.rects, 'hit', hit.unit, hit.text);
    if (found.length) this.go(0);
    document.documentElement.dataset['search'] = String(found.length);
  }

  next(direction: 1 | -1 = 1): void {
    if (!this.hits.length) return;
    this.go((this.index + direction + this.hits.length) % this.hits.length);
  }

  private go(index: number): void {
    const previous = this.hits[this.index];
    if (previous) previous.view.clearMarks('hit-current');
    this.index = index;
    const hit = this.hits[index]!;
    void hit.view.mark(hit.page, hit.rects, 'hit-current', hit.unit);
    hit.view.scrollToPage(hit.page, hit.rects[0], hit.unit);
    this.counter.textContent = `${index + 1} of ${this.hits.length}`;
  }

  private clear(): void {
    for (const view of this.views) {
      view.clearMarks('hit');
      view.clearMarks('hit-current');
    }
    this.hits = [];
    this.index = -1;
  }

  private textOf(view: DocumentView): Promise<PageText[]> {
    let text = this.texts.get(view);
    if (!text) {
      text = (async () => {
        const pages: PageText[] = [];
        for (let begin = 0; begin < view.pageCount; begin += TEXT_CHUNK_PAGES) {
          const end = Math.min(view.pageCount - 1, begin + TEXT_CHUNK_PAGES - 1);
          pages.push(...(await view.api.text(begin, end)));
        }
        return pages;
      })();
      text.catch(() => this.texts.delete(view));
      this.texts.set(view, text);
    }
    return text;
  }
}
