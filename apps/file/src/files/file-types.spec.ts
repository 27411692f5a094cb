import { DomainError, ErrorCode } from '@quire/errors';
import { contentTypeFor, extensionOf } from './file-types';

const allowed = new Set(['jpg', 'png', 'pdf', 'docx', 'txt']);

function rejection(run: () => unknown): ErrorCode | undefined {
  try {
    run();
  } catch (error) {
    return (error as DomainError).code;
  }
  return undefined;
}

describe('file types', () => {
  it('takes the type from the bytes and the extension together', () => {
    expect(contentTypeFor('Photo.JPG', 'image/jpeg', allowed)).toBe('image/jpeg');
    expect(contentTypeFor('a.docx', 'application/zip', allowed)).toMatch(/wordprocessingml/);
    expect(contentTypeFor('notes.txt', 'text/plain', allowed)).toBe('text/plain; charset=utf-8');
  });

  it('refuses a mismatch, an unknown or unlisted extension, and no extension', () => {
    expect(rejection(() => contentTypeFor('a.pdf', 'image/png', allowed))).toBe(ErrorCode.InvalidFileType);
    expect(rejection(() => contentTypeFor('a.jpg', undefined, allowed))).toBe(ErrorCode.InvalidFileType);
    expect(rejection(() => contentTypeFor('a.gif', 'image/gif', allowed))).toBe(ErrorCode.InvalidFileType);
    expect(rejection(() => contentTypeFor('a.exe', 'application/zip', allowed))).toBe(ErrorCode.InvalidFileType);
    expect(rejection(() => contentTypeFor('README', 'text/plain', allowed))).toBe(ErrorCode.InvalidFileType);
  });

  it('reads extensions', () => {
    expect([extensionOf('a.b.PDF'), extensionOf('noext'), extensionOf('trailing.')]).toEqual(['pdf', '', '']);
  });
});
