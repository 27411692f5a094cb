import { Revision, revisionData } from './api';
import { DocumentView } from './document-view';

/** Revisions asked for per call; the list grows as pages of changes arrive. */
const REVISIONS_PER_CALL = 100;
/** Bounded: a pathological pair stops listing here (the count says so). */
const MAX_REVISIONS = 5000;

const LABELS: Record<Revision['type'], string> = { insertion: 'Inserted', deletion: 'Deleted', replacement: 'Replaced' };

/**
 * A comparison's changes (revisionData, paged by continueToken): highlighted on both sides
 * (deletions on the original, insertions on the revised, replacements on both) and listed; a
 * click on the list scrolls both sides to that change.
 */
export class ChangeList {
  private readonly revisions: Revision[] = [];
  private current = -1;

  constructor(
    private readonly sessionId: string,
    private readonly original: DocumentView,
    private readonly revised: DocumentView,
    private readonly list: HTMLOListElement,
    private readonly title: HTMLElement,
  ) {}

  async load(): Promise<void> {
    let token: string | undefined;
    this.title.textContent = 'Changes (loading…)';
    do {
      const page = await revisionData(this.sessionId, REVISIONS_PER_CALL, token);
      for (const revision of page.revisions) this.add(revision);
      token = page.continueToken ?? undefined;
    } while (token && this.revisions.length < MAX_REVISIONS);
    this.title.textContent = `Changes (${this.revisions.length}${token ? '+' : ''})`;
    document.documentElement.dataset['changes'] = String(this.revisions.length);
    if (!this.revisions.length) {
      const item = document.createElement('li');
      item.className = 'no-changes';
      item.textContent = 'The documents are the same.';
      this.list.append(item);
    }
  }

  next(direction: 1 | -1): void {
    if (!this.revisions.length) return;
    this.select((this.current + direction + this.revisions.length) % this.revisions.length);
  }

  select(index: number): void {
    const revision = this.revisions[index];
    if (!revision) return;
    this.list.querySelector('[aria-current]')?.removeAttribute('aria-current');
    this.list.children[index]?.setAttribute('aria-current', 'true');
    (this.list.children[index] as HTMLElement | undefined)?.scrollIntoView({ block: 'nearest' });
    this.current = index;
    for (const view of [this.original, this.revised]) view.clearMarks('change-current');
    if (revision.original) {
      this.original.scrollToPage(revision.original.pageIndex, revision.original.rectangles[0]);
      void this.original.mark(revision.original.pageIndex, revision.original.rectangles, 'change-current');
    }
    if (revision.revised) {
      this.revised.scrollToPage(revision.revised.pageIndex, revision.revised.rectangles[0]);
      void this.revised.mark(revision.revised.pageIndex, revision.revised.rectangles, 'change-current');
    }
  }

  private add(revision: Revision): void {
    const index = this.revisions.push(revision) - 1;
    const label = LABELS[revision.type] ?? revision.type;
    const text = revision.type === 'deletion' ? revision.originalText : revision.revisedText;
    const className = `change-${revision.type}`;
    if (revision.original?.rectangles.length && revision.type !== 'insertion') {
      void this.original.mark(revision.original.pageIndex, revision.original.rectangles, className, undefined, `${label}: ${revision.originalText ?? ''}`);
    }
    if (revision.revised?.rectangles.length && revision.type !== 'deletion') {
      void this.revised.mark(revision.revised.pageIndex, revision.revised.rectangles, className, undefined, `${label}: ${revision.revisedText ?? ''}`);
    }
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `change ${className}`;
    button.dataset['index'] = String(index);
    const kind = document.createElement('span');
    kind.className = 'change-kind';
    kind.textContent = label;
    const page = document.createElement('span');
    page.className = 'change-page';
    const where = revision.type === 'deletion' ? revision.original : (revision.revised ?? revision.original);
    page.textContent = where ? `p. ${where.pageIndex + 1}` : '';
    const snippet = document.createElement('span');
    snippet.className = 'change-text';
    if (revision.type === 'replacement') {
      const before = document.createElement('del');
      before.textContent = clip(revision.originalText);
      const after = document.createElement('ins');
      after.textContent = clip(revision.revisedText);
      snippet.append(before, ' → ', after);
    } else {
      snippet.textContent = clip(text);
    }
    button.append(kind, page, snippet);
    button.addEventListener('click', () => this.select(index));
    item.append(button);
    this.list.append(item);
  }
}

function clip(text: string | undefined, max = 120): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
