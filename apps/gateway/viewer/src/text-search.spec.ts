import type { PageText } from './api';
import { findHits } from './text-search';

const page = (index: number, words: string[]): PageText => ({
  page: index,
  width: 816,
  height: 1056,
  words: words.map((text, i) => ({ text, x: 10 + i * 50, y: 100, width: 40, height: 12 })),
});

describe('viewer text search', () => {
  const pages = [page(0, ['The', 'Zebrafish', 'sample,', 'was', 'positive.']), page(1, ['zebrafish', 'again', 'here'])];

  it('finds a word in any case, inside punctuation, on every page, with its box and page size', () => {
    const hits = findHits(pages, 'zebrafish');
    expect(hits.map((hit) => hit.page)).toEqual([0, 1]);
    expect(hits[0]).toEqual({ page: 0, rects: [{ x: 60, y: 100, width: 40, height: 12 }], unit: { width: 816, height: 1056 }, text: 'Zebrafish' });
    expect(findHits(pages, 'POSITIVE')).toHaveLength(1);
  });

  it('finds a phrase on consecutive words (ends may be partial, inner words whole)', () => {
    const hits = findHits(pages, 'zebrafish sample was');
    expect(hits).toHaveLength(1);
    expect(hits[0]!.rects).toHaveLength(3);
    expect(findHits(pages, 'sample positive')).toHaveLength(0);
    expect(findHits(pages, 'sample, was')).toHaveLength(1);
  });

  it('finds nothing for an empty query, and stops at the limit', () => {
    expect(findHits(pages, '   ')).toEqual([]);
    expect(findHits(pages, 'e', 2)).toHaveLength(2);
  });
});
