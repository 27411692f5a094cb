import { PageApi, PageSize } from './api';

/**
 * The thumbnail strip: one button per page, its image (160x160, the smallest preset the service
 * renders) asked for only as it scrolls into the strip's view, and only after `start()` — the
 * first page's image goes first.
 */
export class ThumbnailStrip {
  private readonly buttons: HTMLButtonElement[] = [];
  private readonly observer: IntersectionObserver;
  private started = false;
  private readonly waiting = new Set<number>();
  private current = -1;

  constructor(
    private readonly strip: HTMLElement,
    private readonly api: PageApi,
    pageCount: number,
    firstSize: PageSize,
    onSelect: (page: number) => void,
  ) {
    this.observer = new IntersectionObserver((entries) => this.onIntersect(entries), { root: strip, rootMargin: '100px 0px' });
    const aspect = firstSize.height / firstSize.width;
    const fragment = document.createDocumentFragment();
    for (let page = 0; page < pageCount; page++) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'thumb';
      button.dataset['page'] = String(page);
      button.title = `Page ${page + 1}`;
      const frame = document.createElement('span');
      frame.className = 'thumb-frame';
      frame.style.aspectRatio = String(1 / aspect);
      const label = document.createElement('span');
      label.className = 'thumb-label';
      label.textContent = String(page + 1);
      button.append(frame, label);
      button.addEventListener('click', () => onSelect(page));
      fragment.append(button);
      this.buttons.push(button);
    }
    strip.append(fragment);
    for (const button of this.buttons) this.observer.observe(button);
  }

  /** Begins loading the thumbnails in view. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const page of this.waiting) this.load(page);
    this.waiting.clear();
  }

  setCurrent(page: number): void {
    if (page === this.current) return;
    this.buttons[this.current]?.removeAttribute('aria-current');
    this.current = page;
    const button = this.buttons[page];
    if (!button) return;
    button.setAttribute('aria-current', 'page');
    if (!this.strip.hidden) button.scrollIntoView({ block: 'nearest' });
  }

  private onIntersect(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const page = Number((entry.target as HTMLElement).dataset['page']);
      if (!entry.isIntersecting) {
        this.waiting.delete(page);
        continue;
      }
      if (this.started) this.load(page);
      else this.waiting.add(page);
    }
  }

  private load(page: number): void {
    const button = this.buttons[page];
    if (!button || button.dataset['loaded']) return;
    button.dataset['loaded'] = 'true';
    this.observer.unobserve(button);
    const image = new Image();
    image.alt = '';
    image.decoding = 'async';
    image.addEventListener('error', () => {
      // Shown as an empty frame with its number; tried again when it next scrolls into view.
      delete button.dataset['loaded'];
      image.remove();
      setTimeout(() => this.observer.observe(button), 3000);
    });
    image.src = this.api.thumbnailUrl(page);
    button.querySelector('.thumb-frame')!.append(image);
  }
}
