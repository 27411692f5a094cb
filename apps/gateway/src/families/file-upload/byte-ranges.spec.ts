import { contentDisposition, matchesEtag, parseRange } from './byte-ranges';

describe('byte ranges', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=95-200', { start: 95, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
  ])('%s of 100 bytes', (header, range) => {
    expect(parseRange(header, 100)).toEqual(range);
  });

  it('416 past the end or for an empty suffix; ignores what it does not serve', () => {
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    for (const ignored of [undefined, '', 'bytes=5-2', 'bytes=0-1,4-5', 'items=0-1', 'bytes=-', 'bytes=a-b']) {
      expect(parseRange(ignored, 100)).toBeUndefined();
    }
  });

  it('If-None-Match: lists, weak tags and *', () => {
    expect(matchesEtag('"abc"', '"abc"')).toBe(true);
    expect(matchesEtag('"x", W/"abc"', '"abc"')).toBe(true);
    expect(matchesEtag('*', '"abc"')).toBe(true);
    expect(matchesEtag('"abd"', '"abc"')).toBe(false);
    expect(matchesEtag(undefined, '"abc"')).toBe(false);
  });

  it('Content-Disposition keeps a safe ASCII name and the exact one in filename*', () => {
    expect(contentDisposition('inline', 'a "b"\\c.pdf')).toBe(`inline; filename="a _b__c.pdf"; filename*=UTF-8''a%20%22b%22%5Cc.pdf`);
    expect(contentDisposition('attachment', 'Привет.docx')).toBe(
      `attachment; filename="______.docx"; filename*=UTF-8''%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82.docx`,
    );
    expect(contentDisposition('inline', "it's (1).txt")).toContain(`filename*=UTF-8''it%27s%20%281%29.txt`);
  });
});
