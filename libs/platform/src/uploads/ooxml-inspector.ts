import type { ReceivedFile } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage } from '../storage/object-storage';

/**
 * The one ZIP / OOXML inspector: checks that a .docx / .xlsx is a ZIP with the parts its kind
 * needs, from its central directory only — two small reads (the tail, then the directory), never
 * the compressed data. Declared sizes bound what unpacking would cost, so a zip bomb is refused
 * before anyone inflates it.
 */
export interface OoxmlLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
}

/** The limits every service uses unless its settings say otherwise. */
export const DEFAULT_OOXML_LIMITS: OoxmlLimits = { maxEntries: 5000, maxUncompressedBytes: 512 * 1024 * 1024 };

/** The parts that make a ZIP a document of each kind. */
export const OOXML_REQUIRED_PARTS = {
  docx: ['[Content_Types].xml', 'word/document.xml'],
  xlsx: ['[Content_Types].xml', 'xl/workbook.xml'],
} as const;
export type OoxmlKind = keyof typeof OOXML_REQUIRED_PARTS;

export function isOoxmlKind(ext: string): ext is OoxmlKind {
  return Object.hasOwn(OOXML_REQUIRED_PARTS, ext);
}

/** What to check and how a refusal reads (each family keeps its message). */
export interface OoxmlCheck extends OoxmlLimits {
  kind: OoxmlKind;
  /** The multipart field, for messages and details. */
  field: string;
  /** The message of an INVALID_FILE_TYPE refusal; its details get `field` and `reason` (and `extra`). */
  invalidMessage: string;
  extra?: Record<string, unknown>;
}

/** Reads `length` bytes at `offset` of the file (an S3 range GET in production). */
export type RangeReader = (offset: number, length: number) => Promise<Buffer>;

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_MIN_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
const CENTRAL_HEADER_BYTES = 46;

type Invalid = (reason: string) => DomainError;

interface EndOfCentralDirectory {
  entries: number;
  size: number;
  offset: number;
}

function findEndOfCentralDirectory(tail: Buffer, tailOffset: number, fileSize: number, invalid: Invalid): EndOfCentralDirectory {
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

export async function inspectOoxml(size: number, read: RangeReader, check: OoxmlCheck): Promise<{ entries: number; uncompressedBytes: number }> {
  const { field } = check;
  const invalid: Invalid = (reason) => new DomainError(ErrorCode.InvalidFileType, check.invalidMessage, { field, reason, ...check.extra });
  if (size < EOCD_MIN_BYTES) throw invalid('too small to be a ZIP archive');
  const tailLength = Math.min(size, EOCD_MIN_BYTES + MAX_COMMENT_BYTES);
  const tailOffset = size - tailLength;
  const eocd = findEndOfCentralDirectory(await read(tailOffset, tailLength), tailOffset, size, invalid);
  if (eocd.entries > check.maxEntries) {
    throw new DomainError(ErrorCode.BadRequest, `${field} has too many entries`, { field, reason: `more than ${check.maxEntries} ZIP entries` });
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
    if (uncompressedBytes > check.maxUncompressedBytes) {
      throw new DomainError(ErrorCode.BadRequest, `${field} would unpack to too much data`, {
        field,
        reason: `declared uncompressed size over ${check.maxUncompressedBytes} bytes`,
      });
    }
    cursor = nameEnd + extraLength + commentLength;
  }
  for (const part of OOXML_REQUIRED_PARTS[check.kind]) if (!names.has(part)) throw invalid(`missing ${part}`);
  return { entries: eocd.entries, uncompressedBytes };
}

/** Byte ranges of a received object; a missing or short object is a 400 (upload again), S3 down a 503. */
export function receivedRangeReader(storage: ObjectStorage, file: Pick<ReceivedFile, 'key' | 'field'>): RangeReader {
  return async (offset, length) => {
    const bytes = await storage.getRange(file.key, offset, length);
    if (!bytes) throw new DomainError(ErrorCode.BadRequest, 'The upload is gone or incomplete; upload again', { field: file.field, reason: 'uploaded object missing' });
    if (bytes.length !== length) throw new DomainError(ErrorCode.BadRequest, 'Could not read the upload', { field: file.field, reason: 'short read' });
    return bytes;
  };
}

/** A stored object's OOXML check (see inspectOoxml). */
export function assertOoxmlObject(storage: ObjectStorage, file: Pick<ReceivedFile, 'key' | 'field' | 'size'>, check: OoxmlCheck): Promise<unknown> {
  return inspectOoxml(file.size, receivedRangeReader(storage, file), check);
}

/** The one PDF signature: the first bytes are `%PDF-`. */
export const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');
export function isPdfHead(head: Buffer): boolean {
  return head.length >= PDF_MAGIC.length && head.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC);
}

/** A stored object starts with the PDF signature; otherwise `refusal`. */
export async function assertPdfObject(storage: ObjectStorage, file: Pick<ReceivedFile, 'key' | 'field' | 'size'>, refusal: () => DomainError): Promise<void> {
  const head = file.size >= PDF_MAGIC.length ? await receivedRangeReader(storage, file)(0, PDF_MAGIC.length) : Buffer.alloc(0);
  if (!isPdfHead(head)) throw refusal();
}
