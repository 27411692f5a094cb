import type { PageText, TextWord } from './renditions.api';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * Pages and words of `pdftotext -bbox-layout` (XHTML: `<page width height>` … `<word xMin yMin
 * xMax yMax>text</word>`), scaled by `factor` (points → 96-dpi pixels). Pages numbered from 0 in
 * output order; the caller shifts them to the asked range.
 */
export function parseBboxLayout(xhtml: string, factor: number): PageText[] {
  const pages: PageText[] = [];
  const pageRe = /<page\s+width="([\d.]+)"\s+height="([\d.]+)"\s*>([\s\S]*?)<\/page>/g;
  const wordRe = /<word\s+xMin="([\d.-]+)"\s+yMin="([\d.-]+)"\s+xMax="([\d.-]+)"\s+yMax="([\d.-]+)"\s*>([\s\S]*?)<\/word>/g;
  for (const page of xhtml.matchAll(pageRe)) {
    const words: TextWord[] = [];
    for (const word of page[3]!.matchAll(wordRe)) {
      const [xMin, yMin, xMax, yMax] = [word[1], word[2], word[3], word[4]].map(Number) as [number, number, number, number];
      words.push({ text: decode(word[5]!), x: round(xMin * factor), y: round(yMin * factor), width: round((xMax - xMin) * factor), height: round((yMax - yMin) * factor) });
    }
    pages.push({ page: pages.length, width: Math.round(Number(page[1]) * factor), height: Math.round(Number(page[2]) * factor), words });
  }
  return pages;
}
