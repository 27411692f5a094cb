import { PageApi, PageSize, Rect } from './api';
import { imageScaleFor } from './zoom';

/** A page's box in the column: sized from its attributes before its image exists. */
interface PageSlot {
  index: number;
  element: HTMLDivElement;
  marks: HTMLDivElement;
  image?: HTMLImageElement;
  size: PageSize;
  /** False while the size is page 0's, standing in until this page's own attributes arrive. */
  sizeKnown: boolean;
  sizing?: Promise<PageSize>;
  /** The scale of the image shown (or being loaded); undefined: none yet. */
  scale?: number;
  failures: number;
}

export interface DocumentViewOptions {
  label?: string;
  onCurrentPage?: (page: number) => void;
  onFirstImage?: () => void;
}

const PAGE_GAP_PX = 16;

/**
 * One document as a scrolling column of pages. Every page is laid out at open (page 0's size
 * stands in until a page's own attributes arrive, asked for as it comes near the view); an image
 * is asked for only when its page scrolls within half a screen of the view (IntersectionObserver),
 * so a 500-page document fetches a few images at open, not 500.
 */
export class DocumentView {
  readonly scroller: HTMLDivElement;
  private readonly pagesElement: HTMLDivElement;
  private readonly slots: PageSlot[] = [];
  private readonly near = new Set<number>();
  private readonly observer: IntersectionObserver;
  private zoomValue = 1;
  private current = 0;
  private firstImageSeen = false;
  private scrollFrame = 0;
  private pinnedScrollTop?: number;

  constructor(
    parent: HTMLElement,
    readonly api: PageApi,
    readonly pageCount: number,
    firstSize: PageSize,
    private readonly options: DocumentViewOptions = {},
  ) {
    const column = document.createElement('section');
    column.className = 'document-column';
    if (api.side) column.dataset['side'] = api.side;
    column.dataset['currentPage'] = '0';
    if (options.label) {
      const heading = document.createElement('h2');
      heading.className = 'column-label';
      heading.textContent = options.label;
      column.append(heading);
    }
    this.scroller = document.createElement('div');
    this.scroller.className = 'scroller';
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('aria-label', options.label ? `${options.label} document` : 'Document');
    this.pagesElement = document.createElement('div');
    this.pagesElement.className = 'pages';
    this.scroller.append(this.pagesElement);
    column.append(this.scroller);
    parent.append(column);

    this.observer = new IntersectionObserver((entries) => this.onIntersect(entries), { root: this.scroller, rootMargin: '50% 0px 50% 0px' });
    const fragment = document.createDocumentFragment();
    for (let index = 0; index < pageCount; index++) {
      const element = document.createElement('div');
      element.className = 'page';
      element.dataset['page'] = String(index);
      element.setAttribute('aria-label', `Page ${index + 1}`);
      const marks = document.createElement('div');
      marks.className = 'marks';
      element.append(marks);
      fragment.append(element);
      this.slots.push({ index, element, marks, size: firstSize, sizeKnown: index === 0, failures: 0 });
    }
    this.pagesElement.append(fragment);
    this.layout();
    for (const slot of this.slots) this.observer.observe(slot.element);
    this.scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
  }

  get zoom(): number {
    return this.zoomValue;
  }

  get currentPage(): number {
    return this.current;
  }

  /** The largest page size known so far (for fit width / fit page). */
  get referenceSize(): PageSize {
    let width = 0;
    let height = 0;
    for (const slot of this.slots) {
      if (!slot.sizeKnown) continue;
      width = Math.max(width, slot.size.width);
      height = Math.max(height, slot.size.height);
    }
    return { width, height };
  }

  /** Room for a page at zoom 1 → CSS pixels available in this column. */
  get available(): PageSize {
    return { width: this.scroller.clientWidth - 2 * PAGE_GAP_PX, height: this.scroller.clientHeight - 2 * PAGE_GAP_PX };
  }

  setZoom(zoom: number): void {
    if (zoom === this.zoomValue) return;
    const anchor = this.anchor();
    this.zoomValue = zoom;
    this.layout();
    this.restore(anchor);
    // Pages in view get a sharper (or lighter) image when the scale they need changed.
    for (const index of this.near) this.load(this.slots[index]!);
  }

  scrollToPage(page: number, rect?: Rect, unit?: PageSize): void {
    const slot = this.slots[Math.max(0, Math.min(this.pageCount - 1, page))];
    if (!slot) return;
    let top = slot.element.offsetTop - PAGE_GAP_PX;
    if (rect) {
      const scaleY = slot.element.offsetHeight / (unit ?? slot.size).height;
      top = slot.element.offsetTop + rect.y * scaleY - this.scroller.clientHeight / 3;
    }
    this.scroller.scrollTop = Math.max(0, top);
    // The page asked for is the current one, even where the scroll stops short of it (the end).
    this.pinnedScrollTop = this.scroller.scrollTop;
    this.setCurrent(slot.index);
  }

  /** Highlights boxes on a page (`unit`: the size their coordinates are in; default: the page's attributes). */
  async mark(page: number, rects: readonly Rect[], className: string, unit?: PageSize, title?: string): Promise<HTMLDivElement[]> {
    const slot = this.slots[page];
    if (!slot) return [];
    const size = unit ?? (await this.ensureSize(slot));
    const made: HTMLDivElement[] = [];
    for (const rect of rects) {
      const mark = document.createElement('div');
      // A zero-width box is a caret: where text was deleted (revised side) or will be inserted (original side).
      mark.className = rect.width < 1 ? `mark caret ${className}` : `mark ${className}`;
      if (title) mark.title = title;
      mark.style.left = `${(rect.x / size.width) * 100}%`;
      mark.style.top = `${(rect.y / size.height) * 100}%`;
      mark.style.width = `${(rect.width / size.width) * 100}%`;
      mark.style.height = `${(rect.height / size.height) * 100}%`;
      slot.marks.append(mark);
      made.push(mark);
    }
    return made;
  }

  clearMarks(className: string): void {
    for (const mark of this.pagesElement.querySelectorAll(`.mark.${className}`)) mark.remove();
  }

  private layout(): void {
    for (const slot of this.slots) {
      slot.element.style.width = `${Math.round(slot.size.width * this.zoomValue)}px`;
      slot.element.style.height = `${Math.round(slot.size.height * this.zoomValue)}px`;
    }
  }

  private onIntersect(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const index = Number((entry.target as HTMLElement).dataset['page']);
      if (entry.isIntersecting) {
        this.near.add(index);
        this.load(this.slots[index]!);
      } else {
        this.near.delete(index);
      }
    }
  }

  private ensureSize(slot: PageSlot): Promise<PageSize> {
    if (slot.sizeKnown) return Promise.resolve(slot.size);
    slot.sizing ??= this.api.pageSize(slot.index).then(
      (size) => {
        const resized = size.width !== slot.size.width || size.height !== slot.size.height;
        slot.size = size;
        slot.sizeKnown = true;
        if (resized) {
          const anchor = this.anchor();
          slot.element.style.width = `${Math.round(size.width * this.zoomValue)}px`;
          slot.element.style.height = `${Math.round(size.height * this.zoomValue)}px`;
          this.restore(anchor);
        }
        return size;
      },
      (error: unknown) => {
        slot.sizing = undefined;
        throw error;
      },
    );
    return slot.sizing;
  }

  private load(slot: PageSlot): void {
    const scale = imageScaleFor(this.zoomValue, window.devicePixelRatio || 1);
    if (slot.scale === scale) return;
    slot.scale = scale;
    void this.ensureSize(slot)
      .then(() => this.showImage(slot, scale))
      .catch(() => this.pageFailed(slot, scale));
  }

  private showImage(slot: PageSlot, scale: number): void {
    if (slot.scale !== scale) return;
    const image = new Image();
    image.alt = `Page ${slot.index + 1}`;
    image.className = 'page-image';
    image.decoding = 'async';
    image.addEventListener('load', () => {
      if (slot.scale !== scale) return;
      slot.image?.remove();
      slot.element.querySelector('.page-error')?.remove();
      slot.image = image;
      slot.failures = 0;
      slot.element.prepend(image);
      slot.element.dataset['loaded'] = String(scale);
      if (!this.firstImageSeen && slot.index === 0) {
        this.firstImageSeen = true;
        this.options.onFirstImage?.();
      }
    });
    image.addEventListener('error', () => this.pageFailed(slot, scale));
    image.src = this.api.pageImageUrl(slot.index, scale);
  }

  /** A page that could not be loaded says so; it is tried again (twice by itself, then on a click). */
  private pageFailed(slot: PageSlot, scale: number): void {
    if (slot.scale !== scale) return;
    slot.scale = undefined;
    slot.failures++;
    if (slot.failures <= 2) {
      setTimeout(() => this.near.has(slot.index) && this.load(slot), 1000 * slot.failures);
      return;
    }
    if (slot.element.querySelector('.page-error')) return;
    const message = document.createElement('button');
    message.type = 'button';
    message.className = 'page-error';
    message.textContent = `Page ${slot.index + 1} could not be loaded. Try again`;
    message.addEventListener('click', () => {
      message.remove();
      slot.failures = 0;
      this.load(slot);
    });
    slot.element.append(message);
  }

  private onScroll(): void {
    if (this.scrollFrame) return;
    this.scrollFrame = requestAnimationFrame(() => {
      this.scrollFrame = 0;
      const { scrollTop, clientHeight, scrollHeight } = this.scroller;
      if (this.pinnedScrollTop !== undefined && Math.abs(scrollTop - this.pinnedScrollTop) < 2) return;
      this.pinnedScrollTop = undefined;
      // The page under the upper third of the view; at the very end, the last page.
      this.setCurrent(scrollTop + clientHeight >= scrollHeight - 2 ? this.slots.length - 1 : this.pageAt(scrollTop + clientHeight / 3));
    });
  }

  /** The page under a vertical position (binary search over the laid-out pages). */
  private pageAt(y: number): number {
    let low = 0;
    let high = this.slots.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.slots[middle]!.element.offsetTop <= y) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private setCurrent(page: number): void {
    if (page === this.current) return;
    this.current = page;
    (this.scroller.parentElement as HTMLElement).dataset['currentPage'] = String(page);
    this.options.onCurrentPage?.(page);
  }

  /** Where the view is, as a page and a fraction of it, so a zoom or a resize keeps it there. */
  private anchor(): { page: number; fraction: number } {
    const y = this.scroller.scrollTop;
    const page = this.pageAt(y);
    const element = this.slots[page]!.element;
    return { page, fraction: element.offsetHeight ? (y - element.offsetTop) / element.offsetHeight : 0 };
  }

  private restore(anchor: { page: number; fraction: number }): void {
    const element = this.slots[anchor.page]!.element;
    this.scroller.scrollTop = element.offsetTop + anchor.fraction * element.offsetHeight;
  }
}
