import { diffArrays } from 'diff';
import type { Revision, RevisionLocation, RevisionRectangle, RevisionType } from '@quire/contracts';

/** A word of one document with its page (from 0) and box in that page's 96-dpi pixels. */
export interface PositionedWord {
  text: string;
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * What a comparison carries from one window to the next: the words of each side not finalized
 * yet (read, but after the last safe anchor), and the last word finalized on each side (where a
 * change at the start of the carried words is placed on the side that has no text of it).
 */
export interface DiffCarry {
  original: PositionedWord[];
  revised: PositionedWord[];
  lastOriginal: PositionedWord | null;
  lastRevised: PositionedWord | null;
}

export const emptyCarry = (): DiffCarry => ({ original: [], revised: [], lastOriginal: null, lastRevised: null });

export interface DiffStepOptions {
  /** Both documents are read to their end: everything is finalized. */
  final: boolean;
  /** An unchanged run of at least this many words is an anchor a window may be cut after. */
  anchorWords: number;
  /** With no anchor and more carried words than this on a side, finalize anyway (bounded memory). */
  maxCarryWords: number;
}

interface Part {
  kind: 'equal' | 'removed' | 'added';
  /** Word index ranges [from, to) in the original / revised words of this step. */
  o: [number, number];
  r: [number, number];
}

/** Ligatures, full-width forms and the like compare as their plain letters. */
const comparable = (word: PositionedWord): string => word.text.normalize('NFKC');

/**
 * One window of a comparison: diffs the carried words of both sides (jsdiff's `diffArrays`, word
 * tokens as pdftotext gives them), finalizes the changes up to the end of the last unchanged run
 * of `anchorWords` words (later text cannot move changes before such an anchor in practice), and
 * carries the rest into the next window. Answers the finalized revisions in document order.
 */
export function diffStep(carry: DiffCarry, options: DiffStepOptions): { revisions: Revision[]; carry: DiffCarry } {
  const { original, revised } = carry;
  const parts = toParts(diffArrays(original.map(comparable), revised.map(comparable)));
  let cut = parts.length;
  if (!options.final) {
    const anchor = lastIndexWhere(parts, (part) => part.kind === 'equal' && part.o[1] - part.o[0] >= options.anchorWords);
    const tooLong = original.length > options.maxCarryWords || revised.length > options.maxCarryWords;
    cut = anchor >= 0 ? anchor + 1 : tooLong ? parts.length : 0;
  }
  const revisions: Revision[] = [];
  const previous = (words: PositionedWord[], index: number, last: PositionedWord | null) => (index > 0 ? words[index - 1]! : last);
  for (let i = 0; i < cut; ) {
    if (parts[i]!.kind === 'equal') {
      i++;
      continue;
    }
    let j = i;
    while (j < cut && parts[j]!.kind !== 'equal') j++;
    const first = parts[i]!;
    const last = parts[j - 1]!;
    const next = j < parts.length && parts[j]!.kind === 'equal' ? parts[j]! : undefined;
    revisions.push(
      ...changeRevisions(original.slice(first.o[0], last.o[1]), revised.slice(first.r[0], last.r[1]), {
        originalBefore: previous(original, first.o[0], carry.lastOriginal),
        revisedBefore: previous(revised, first.r[0], carry.lastRevised),
        originalAfter: next ? original[next.o[0]]! : null,
        revisedAfter: next ? revised[next.r[0]]! : null,
      }),
    );
    i = j;
  }
  const oCut = cut > 0 ? parts[cut - 1]!.o[1] : 0;
  const rCut = cut > 0 ? parts[cut - 1]!.r[1] : 0;
  return {
    revisions,
    carry: {
      original: original.slice(oCut),
      revised: revised.slice(rCut),
      lastOriginal: previous(original, oCut, carry.lastOriginal),
      lastRevised: previous(revised, rCut, carry.lastRevised),
    },
  };
}

function toParts(changes: Array<{ added: boolean; removed: boolean; count: number }>): Part[] {
  const parts: Part[] = [];
  let o = 0;
  let r = 0;
  for (const change of changes) {
    const kind = change.added ? 'added' : change.removed ? 'removed' : 'equal';
    const part: Part = { kind, o: [o, kind === 'added' ? o : o + change.count], r: [r, kind === 'removed' ? r : r + change.count] };
    o = part.o[1];
    r = part.r[1];
    parts.push(part);
  }
  return parts;
}

function lastIndexWhere<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

interface Neighbours {
  originalBefore: PositionedWord | null;
  revisedBefore: PositionedWord | null;
  originalAfter: PositionedWord | null;
  revisedAfter: PositionedWord | null;
}

/**
 * One change (removed and / or added words between two unchanged runs) as revisions. A revision's
 * side lies on one page: the removed and the added words are cut at page breaks and the pieces
 * pair up in order (a replacement whose new text runs onto the next page ends as a replacement
 * and an insertion).
 */
export function changeRevisions(removed: PositionedWord[], added: PositionedWord[], around: Neighbours): Revision[] {
  const removedPieces = byPage(removed);
  const addedPieces = byPage(added);
  const revisions: Revision[] = [];
  let originalBefore = around.originalBefore;
  let revisedBefore = around.revisedBefore;
  for (let i = 0; i < Math.max(removedPieces.length, addedPieces.length); i++) {
    const gone = removedPieces[i];
    const come = addedPieces[i];
    const type: RevisionType = gone && come ? 'replacement' : gone ? 'deletion' : 'insertion';
    revisions.push({
      type,
      originalText: joined(gone),
      revisedText: joined(come),
      original: gone ? located(gone) : caret(originalBefore, around.originalAfter),
      revised: come ? located(come) : caret(revisedBefore, around.revisedAfter),
    });
    if (gone) originalBefore = gone.at(-1)!;
    if (come) revisedBefore = come.at(-1)!;
  }
  return revisions;
}

function byPage(words: PositionedWord[]): PositionedWord[][] {
  const pieces: PositionedWord[][] = [];
  for (const word of words) {
    const current = pieces.at(-1);
    if (current && current[0]!.page === word.page) current.push(word);
    else pieces.push([word]);
  }
  return pieces;
}

const joined = (words: PositionedWord[] | undefined): string => (words ?? []).map((word) => word.text).join(' ');

const round = (value: number): number => Math.round(value * 100) / 100;

/** The words of one page as one rectangle per line they cover. */
export function located(words: PositionedWord[]): RevisionLocation {
  const rectangles: RevisionRectangle[] = [];
  let line: { left: number; top: number; right: number; bottom: number } | undefined;
  const flush = () => {
    if (line) rectangles.push({ x: round(line.left), y: round(line.top), width: round(line.right - line.left), height: round(line.bottom - line.top) });
  };
  for (const word of words) {
    const sameLine = line && Math.abs(word.y + word.height / 2 - (line.top + line.bottom) / 2) < Math.max(word.height, line.bottom - line.top) / 2 && word.x >= line.left - 1;
    if (line && sameLine) {
      line.left = Math.min(line.left, word.x);
      line.top = Math.min(line.top, word.y);
      line.right = Math.max(line.right, word.x + word.width);
      line.bottom = Math.max(line.bottom, word.y + word.height);
    } else {
      flush();
      line = { left: word.x, top: word.y, right: word.x + word.width, bottom: word.y + word.height };
    }
  }
  flush();
  return { pageIndex: words[0]!.page, rectangles };
}

/**
 * Where text that one side does not have would be on it: a zero-width rectangle right after the
 * word before the change, or (at the start of the document) right before the word after it;
 * null when that side has no word at all.
 */
function caret(before: PositionedWord | null, after: PositionedWord | null): RevisionLocation | null {
  if (before) return { pageIndex: before.page, rectangles: [{ x: round(before.x + before.width), y: round(before.y), width: 0, height: round(before.height) }] };
  if (after) return { pageIndex: after.page, rectangles: [{ x: round(after.x), y: round(after.y), width: 0, height: round(after.height) }] };
  return null;
}
