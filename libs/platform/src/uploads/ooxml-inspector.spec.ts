import { buildDocx, buildZip } from '@quire/testing';
import { DomainError, ErrorCode } from '@quire/errors';
import { inspectOoxml, isPdfHead, OoxmlCheck } from './ooxml-inspector';

const limits: OoxmlCheck = {
  kind: 'docx',
  field: 'word_file',
  invalidMessage: 'word_file must be a Word document (.docx)',
  maxEntries: 100,
  maxUncompressedBytes: 10 * 1024 * 1024,
};

/** Reads ranges of an in-memory file and counts the bytes read. */
function reader(file: Buffer): { read: (offset: number, length: number) => Promise<Buffer>; bytesRead: () => number } {
  let total = 0;
  return {
    read: async (offset, length) => {
      total += length;
      return file.subarray(offset, offset + length);
    },
    bytesRead: () => total,
  };
}

async function failure(file: Buffer): Promise<DomainError> {
  const error = await inspectOoxml(file.length, reader(file).read, limits).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('inspectOoxml', () => {
  it('accepts a minimal docx, reading only the tail and the central directory', async () => {
    const file = buildDocx('hello', { paddingBytes: 200_000 });
    const r = reader(file);
    await expect(inspectOoxml(file.length, r.read, limits)).resolves.toMatchObject({ entries: 4 });
    expect(r.bytesRead()).toBeLessThan(70_000);
  });

  it('refuses a ZIP without word/document.xml or [Content_Types].xml', async () => {
    const noDocument = buildZip([{ name: '[Content_Types].xml', data: '<Types/>' }]);
    expect(await failure(noDocument)).toMatchObject({ code: ErrorCode.InvalidFileType, details: { reason: 'missing word/document.xml' } });
    const noTypes = buildZip([{ name: 'word/document.xml', data: '<w:document/>' }]);
    expect((await failure(noTypes)).details['reason']).toBe('missing [Content_Types].xml');
  });

  it('refuses a zip bomb by its declared sizes, and too many entries', async () => {
    const bomb = buildZip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'word/document.xml', data: 'x', declaredSize: 4_000_000_000 },
    ]);
    expect(await failure(bomb)).toMatchObject({ code: ErrorCode.BadRequest });
    const many = buildZip(Array.from({ length: 101 }, (_, i) => ({ name: `f${i}`, data: 'x' })));
    expect((await failure(many)).message).toMatch(/too many entries/);
  });

  it('refuses what is not a ZIP at all, or is cut short', async () => {
    expect((await failure(Buffer.from('%PDF-1.4 not a zip at all, sorry'))).code).toBe(ErrorCode.InvalidFileType);
    const docx = buildDocx();
    expect((await failure(docx.subarray(0, docx.length - 30))).code).toBe(ErrorCode.InvalidFileType);
    expect((await failure(Buffer.alloc(5))).code).toBe(ErrorCode.InvalidFileType);
  });

  it('an .xlsx needs xl/workbook.xml: a .docx is not one', async () => {
    const error = await inspectOoxml(buildDocx().length, reader(buildDocx()).read, { ...limits, kind: 'xlsx', extra: { ext: 'xlsx' } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCode.InvalidFileType, details: { reason: 'missing xl/workbook.xml', ext: 'xlsx' } });
  });

  it('isPdfHead: the one PDF signature', () => {
    expect(isPdfHead(Buffer.from('%PDF-1.7'))).toBe(true);
    expect(isPdfHead(Buffer.from('%PDF'))).toBe(false);
    expect(isPdfHead(Buffer.from('PK\x03\x04'))).toBe(false);
  });
});
