import { DomainError, ErrorCode } from '@quire/errors';

/**
 * Checks that a .docx is a ZIP with the parts Word needs, from its central directory only: two
 * small reads (the tail, then the directory), never the compressed data. Declared sizes bound
 * what unpacking would cost, so a zip bomb is refused before anyone inflates it.
 */
export interface DocxLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
}

/** Reads `length` bytes at `offset` of the file (an S3 range GET in production). */
export type RangeReader = (offset: number, length: number) => Promise<Buffer>;

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_MIN_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
const CENTRAL_HEADER_BYTES = 46;
export const REQUIRED_DOCX_PARTS = ['[Content_Types].xml', 'word/document.xml'] as const;

function invalid(reason: string): DomainError {
  return new DomainError(ErrorCode.InvalidFileType, 'word_file must be a Word document (.docx)', { field: 'word_file', reason });
}

interface EndOfCentralDirectory {
  entries: number;
  size: number;
  offset: number;
}

function findEndOfCentralDirectory(tail: Buffer, tailOffset: number, fileSize: number): EndOfCentralDirectory {
  for (let i = tail.length - EOCD_MIN_BYTES; i >= 0; i -= 1) {
    if (tail.readUInt32LE(i) !== EOCD_SIGNATURE) continue;
    const commentLength = tail.readUInt16LE(i + 20);
    // The record must end exactly at the end of the file (or it is a signature inside data).
    if (i + EOCD_MIN_BYTES + commentLength !== tail.length) continue;
    const disk = tail.readUInt16LE(i + 4);
    const entries = tail.readUInt16LE(i + 10);
    const size = tail.readUInt32LE(i + 12);
    const offset = tail.readUInt32LE(i + 16);
    if (disk !== 0) throw invalid('multi-disk archives are not accepted');
    if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw invalid('ZIP64 archives are not accepted');
    if (offset + size > tailOffset + i || offset + size > fileSize) throw invalid('the central directory lies outside the file');
    return { entries, size, offset };
  }
  throw invalid('not a ZIP archive (no end of central directory)');
}

export async function inspectDocx(size: number, read: RangeReader, limits: DocxLimits): Promise<{ entries: number; uncompressedBytes: number }> {
  if (size < EOCD_MIN_BYTES) throw invalid('too small to be a ZIP archive');
  const tailLength = Math.min(size, EOCD_MIN_BYTES + MAX_COMMENT_BYTES);
  const tailOffset = size - tailLength;
  const eocd = findEndOfCentralDirectory(await read(tailOffset, tailLength), tailOffset, size);
  if (eocd.entries > limits.maxEntries) {
    throw new DomainError(ErrorCode.BadRequest, 'word_file has too many entries', { field: 'word_file', reason: `more than ${limits.maxEntries} ZIP entries` });
  }
  // Every entry needs at least its fixed header: a directory bigger than that allows is forged.
  if (eocd.size > eocd.entries * (CENTRAL_HEADER_BYTES + 3 * 0xffff)) throw invalid('inconsistent central directory');
  const directory = eocd.size ? await read(eocd.offset, eocd.size) : Buffer.alloc(0);

  const names = new Set<string>();
  let uncompressedBytes = 0;
  let cursor = 0;
  for (let n = 0; n < eocd.entries; n += 1) {
    if (cursor + CENTRAL_HEADER_BYTES > directory.length || directory.readUInt32LE(cursor) !== CENTRAL_SIGNATURE) {
      throw invalid('corrupt central directory');
    }
    const uncompressed = directory.readUInt32LE(cursor + 24);
    const nameLength = directory.readUInt16LE(cursor + 28);
    const extraLength = directory.readUInt16LE(cursor + 30);
    const commentLength = directory.readUInt16LE(cursor + 32);
    const nameEnd = cursor + CENTRAL_HEADER_BYTES + nameLength;
    if (nameEnd > directory.length) throw invalid('corrupt central directory');
    if (uncompressed === 0xffffffff) throw invalid('ZIP64 entries are not accepted');
    names.add(directory.toString('utf8', cursor + CENTRAL_HEADER_BYTES, nameEnd));
    uncompressedBytes += uncompressed;
    if (uncompressedBytes > limits.maxUncompressedBytes) {
      throw new DomainError(ErrorCode.BadRequest, 'word_file would unpack to too much data', {
        field: 'word_file',
        reason: `declared uncompressed size over ${limits.maxUncompressedBytes} bytes`,
      });
    }
    cursor = nameEnd + extraLength + commentLength;
  }
  for (const part of REQUIRED_DOCX_PARTS) if (!names.has(part)) throw invalid(`missing ${part}`);
  return { entries: eocd.entries, uncompressedBytes };
}
