import { PassThrough, Readable } from 'node:stream';
import yauzl from 'yauzl';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage } from '@quire/platform';

/** The part that makes a ZIP a Word or an Excel document. */
const MAIN_PART: Record<string, string> = {
  docx: 'word/document.xml',
  xlsx: 'xl/workbook.xml',
};

export function isOoxmlExtension(ext: string): boolean {
  return Object.hasOwn(MAIN_PART, ext);
}

/** A failure to read from storage, told apart from a broken archive. */
class StorageReadError extends Error {}

/** Reads byte ranges of an S3 object, so yauzl reads only the ZIP's central directory. */
class ObjectRangeReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly key: string,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const out = new PassThrough();
    this.storage
      .get(this.key, `bytes=${start}-${end - 1}`)
      .then((object) => {
        if (!object) throw new StorageReadError(`${this.key} is gone`);
        object.body.on('error', (error) => out.destroy(new StorageReadError(error.message))).pipe(out);
      })
      .catch((error: unknown) => out.destroy(error instanceof StorageReadError || error instanceof DomainError ? error : new StorageReadError(String(error))));
    return out;
  }
}

/** The names of a stored ZIP's entries (from its central directory; no entry is inflated). */
async function entryNames(storage: ObjectStorage, key: string, size: number, maxEntries = 10_000): Promise<Set<string>> {
  const zip = await yauzl.fromRandomAccessReaderPromise(new ObjectRangeReader(storage, key), size, { lazyEntries: true, autoClose: true });
  return new Promise((resolve, reject) => {
    const names = new Set<string>();
    zip.on('entry', (entry: yauzl.Entry) => {
      names.add(entry.fileName);
      if (names.size >= maxEntries) {
        zip.close();
        resolve(names);
      } else zip.readEntry();
    });
    zip.on('end', () => resolve(names));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/**
 * A .docx must hold `word/document.xml`, an .xlsx `xl/workbook.xml`: a ZIP magic number alone
 * would let any archive (or an .xlsx renamed .docx) through. Not a ZIP at all is a 400 too.
 */
export async function assertOoxmlKind(storage: ObjectStorage, key: string, size: number, ext: string): Promise<void> {
  const mismatch = new DomainError(ErrorCode.InvalidFileType, `The file's content does not match its extension ".${ext}"`, { ext });
  let names: Set<string>;
  try {
    names = await entryNames(storage, key, size);
  } catch (error) {
    // Storage failures are SERVICE_UNAVAILABLE (503, retry); yauzl's own errors are about the
    // archive (truncated, no central directory, ...): the bytes are not what the extension says.
    if (error instanceof DomainError) throw error;
    if (error instanceof StorageReadError) throw new DomainError(ErrorCode.ServiceUnavailable, 'File storage is unavailable, try again');
    throw mismatch;
  }
  if (!names.has(MAIN_PART[ext]!)) throw mismatch;
}
