import type { PageText, Rect } from './api';

/** One occurrence of the query: its page and the boxes of its words (units of that page's text). */
export interface SearchHit {
  page: number;
  rects: Rect[];
  unit: { width: number; height: number };
  text: string;
}

const normalize = (text: string) => text.toLocaleLowerCase().normalize('NFKC');

/**
 * Hits of `query` in the pages' words: its words, in order, on consecutive words of a page
 * (each contained in the page's word, so "report" finds "reports," too). Case-insensitive.
 */
export function findHits(pages: readonly PageText[], query: string, limit = 1000): SearchHit[] {
  const terms = normalize(query).split(/\s+/).filter(Boolean);
  const hits: SearchHit[] = [];
  if (!terms.length) return hits;
  for (const page of pages) {
    const words = page.words.map((word) => normalize(word.text));
    for (let i = 0; i + terms.length <= words.length; i++) {
      if (!terms.every((term, k) => (terms.length === 1 ? words[i + k]!.includes(term) : matchesInPhrase(words[i + k]!, term, k, terms.length)))) continue;
      const matched = page.words.slice(i, i + terms.length);
      hits.push({ page: page.page, rects: matched.map(({ x, y, width, height }) => ({ x, y, width, height })), unit: { width: page.width, height: page.height }, text: matched.map((w) => w.text).join(' ') });
      if (hits.length >= limit) return hits;
    }
  }
  return hits;
}

/** In a phrase, inner words must match whole; the first may end and the last may start the word. */
function matchesInPhrase(word: string, term: string, index: number, count: number): boolean {
  const bare = word.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, '');
  if (index === 0) return bare.endsWith(term) || word.endsWith(term);
  if (index === count - 1) return bare.startsWith(term) || word.startsWith(term);
  return bare === term;
}
