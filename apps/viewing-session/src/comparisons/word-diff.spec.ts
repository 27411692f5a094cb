import { readContinueToken, newTokenKey, writeContinueToken } from './continue-token';
import { diffStep, DiffCarry, emptyCarry, located, PositionedWord } from './word-diff';

/** Words laid out as a text renderer would: 10 words a line, 40 px a word, 20 px a line. */
function page(text: string, pageIndex = 0): PositionedWord[] {
  return text
    .split(' ')
    .filter(Boolean)
    .map((word, i) => ({ text: word, page: pageIndex, x: 50 + (i % 10) * 40, y: 100 + Math.floor(i / 10) * 20, width: 35, height: 12 }));
}

const options = { final: true, anchorWords: 4, maxCarryWords: 5000 };
const run = (original: PositionedWord[], revised: PositionedWord[], carry: Partial<DiffCarry> = {}) => diffStep({ ...emptyCarry(), original, revised, ...carry }, options);

describe('word diff (jsdiff diffArrays over positioned words)', () => {
  it('finds an insertion, a deletion and a replacement with their types, texts and boxes', () => {
    const original = page('one two three four five six seven eight nine ten eleven twelve');
    const revised = page('one two three NEW four five seven eight CHANGED ten eleven twelve');
    const { revisions, carry } = run(original, revised);
    expect(revisions.map((r) => [r.type, r.originalText, r.revisedText])).toEqual([
      ['insertion', '', 'NEW'],
      ['deletion', 'six', ''],
      ['replacement', 'nine', 'CHANGED'],
    ]);
    // "NEW" is the 4th word of the revised page: x = 50 + 3·40.
    expect(revisions[0]!.revised).toEqual({ pageIndex: 0, rectangles: [{ x: 170, y: 100, width: 35, height: 12 }] });
    // The insertion's original side: a caret right after "three" (x 130 + 35).
    expect(revisions[0]!.original).toEqual({ pageIndex: 0, rectangles: [{ x: 165, y: 100, width: 0, height: 12 }] });
    expect(revisions[1]!.original).toEqual({ pageIndex: 0, rectangles: [{ x: 250, y: 100, width: 35, height: 12 }] });
    // The deletion's revised side: after "five" (6th revised word, x 250 + 35).
    expect(revisions[1]!.revised).toEqual({ pageIndex: 0, rectangles: [{ x: 285, y: 100, width: 0, height: 12 }] });
    expect(carry.original).toEqual([]);
  });

  it('identical documents give no revisions; NFKC folds ligatures', () => {
    expect(run(page('a b c d'), page('a b c d')).revisions).toEqual([]);
    expect(run(page('ﬁrst line'), page('first line')).revisions).toEqual([]);
  });

  it('merges the words of one line into one rectangle, one per line', () => {
    const words = page('a b c d e f g h i j k l');
    expect(located(words.slice(8)).rectangles).toEqual([
      { x: 370, y: 100, width: 75, height: 12 },
      { x: 50, y: 120, width: 75, height: 12 },
    ]);
  });

  it('cuts a change at page breaks: each revision side lies on one page', () => {
    const original = [...page('a b c d'), ...page('e f g h', 1)];
    const revised = [...page('a b X'), ...page('Y Z g h', 1)];
    const { revisions } = run(original, revised);
    expect(revisions.map((r) => [r.type, r.originalText, r.revisedText, r.original?.pageIndex, r.revised?.pageIndex])).toEqual([
      ['replacement', 'c d', 'X', 0, 0],
      ['replacement', 'e f', 'Y Z', 1, 1],
    ]);
  });

  it('a window keeps what follows its last anchor for the next one, and ends the same as one diff', () => {
    const original = page('p q r s t u v w x y z a1 a2 a3 a4 tail1 tail2');
    const revised = page('p q r s CHANGED u v w x y z a1 a2 a3 a4 tail2 extra');
    const whole = run(original, revised).revisions;
    // First window: only the first 12 words of each side are read.
    const first = diffStep({ ...emptyCarry(), original: original.slice(0, 12), revised: revised.slice(0, 12) }, { ...options, final: false });
    expect(first.revisions.map((r) => r.revisedText)).toEqual(['CHANGED']);
    expect(first.carry.original).toEqual([]);
    const second = diffStep({ ...first.carry, original: [...first.carry.original, ...original.slice(12)], revised: [...first.carry.revised, ...revised.slice(12)] }, options);
    expect([...first.revisions, ...second.revisions]).toEqual(whole);
  });

  it('with no anchor in the window nothing is final until the carry is too long', () => {
    const step = diffStep({ ...emptyCarry(), original: page('a b c'), revised: page('x y z') }, { ...options, final: false });
    expect(step.revisions).toEqual([]);
    expect(step.carry.original).toHaveLength(3);
    const forced = diffStep({ ...emptyCarry(), original: page('a b c'), revised: page('x y z') }, { final: false, anchorWords: 4, maxCarryWords: 2 });
    expect(forced.revisions.map((r) => r.type)).toEqual(['replacement']);
  });

  it('an insertion at the very start is placed before the first word; an empty side is null', () => {
    const { revisions } = run(page('b c d e'), page('a b c d e'));
    expect(revisions[0]!.original).toEqual({ pageIndex: 0, rectangles: [{ x: 50, y: 100, width: 0, height: 12 }] });
    expect(run([], page('a')).revisions[0]).toMatchObject({ type: 'insertion', original: null });
  });
});

describe('continueToken', () => {
  const key = newTokenKey();
  it('round-trips and refuses an edited, foreign or malformed token', () => {
    const token = writeContinueToken(key, 'session-1', 42);
    expect(readContinueToken(key, 'session-1', token)).toBe(42);
    expect(readContinueToken(key, 'session-2', token)).toBeUndefined();
    expect(readContinueToken(newTokenKey(), 'session-1', token)).toBeUndefined();
    const bytes = Buffer.from(token, 'base64url');
    bytes[4] = bytes[4]! ^ 1;
    expect(readContinueToken(key, 'session-1', bytes.toString('base64url'))).toBeUndefined();
    for (const bad of ['', 'x', '!!!', token + 'A']) expect(readContinueToken(key, 'session-1', bad)).toBeUndefined();
  });
});
