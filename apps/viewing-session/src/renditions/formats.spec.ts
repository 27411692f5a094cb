import { UnsupportedFormat } from './renditions.api';
import { detectFormat } from './formats';

describe('detectFormat', () => {
  it.each([
    [Buffer.from('%PDF-1.7\n'), 'x.bin', 'pdf', 'pdf'],
    [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), undefined, 'png', 'image'],
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0]), undefined, 'jpeg', 'image'],
    [Buffer.from('GIF89a'), undefined, 'gif', 'image'],
    [Buffer.from('RIFF\0\0\0\0WEBPVP8 '), undefined, 'webp', 'image'],
    [Buffer.from('II*\0'), undefined, 'tiff', 'image'],
    [Buffer.from('{\\rtf1\\ansi'), undefined, 'rtf', 'office'],
    [Buffer.from('PK\u0003\u0004 rest'), 'report.docx', 'docx', 'office'],
    [Buffer.from('PK\u0003\u0004 rest'), 'sheet.xlsx', 'xlsx', 'office'],
    [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]), 'old.doc', 'doc', 'office'],
    [Buffer.from('just some words'), 'notes.txt', 'txt', 'office'],
  ])('%#: detects %s', (head, name, format, kind) => {
    expect(detectFormat(head, name)).toEqual({ format, kind });
  });

  it('refuses what it cannot view as UnsupportedFormat (480)', () => {
    expect(() => detectFormat(Buffer.from('MZ\u0090\0'), 'tool.exe')).toThrow(UnsupportedFormat);
    expect(() => detectFormat(Buffer.from('PK\u0003\u0004'), 'archive.zip')).toThrow(UnsupportedFormat);
  });
});
