import { Injectable } from '@nestjs/common';
import { ReceivedFile } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { assertOoxmlObject, assertPdfObject, assertReceived, ObjectStorage } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';

/**
 * Waits for every one of `work` (started together), then throws the error of the first, in the
 * given order, that failed: the same error a one-after-the-other check would report.
 */
export async function firstFailure(work: Array<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(work);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}

/** Checks files the gateway wrote to reserved keys; never reads a whole file. */
@Injectable()
export class ReceivedFiles {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly env: EditSessionEnv,
  ) {}

  /** The object as the gateway described it, at a key `allowed` accepts; otherwise a 400. */
  assertReceived(file: ReceivedFile, allowed: (key: string) => boolean): Promise<void> {
    return assertReceived(this.storage, file, allowed);
  }

  /** Errors name the field the client sent (`word_file` from the agent, `file` for a template). */
  async assertDocx(file: ReceivedFile): Promise<void> {
    await assertOoxmlObject(this.storage, file, {
      kind: 'docx',
      field: file.field,
      invalidMessage: `${file.field} must be a Word document (.docx)`,
      maxEntries: this.env.DOCX_MAX_ENTRIES,
      maxUncompressedBytes: this.env.DOCX_MAX_UNCOMPRESSED_BYTES,
    });
  }

  assertPdf(file: ReceivedFile): Promise<void> {
    return assertPdfObject(
      this.storage,
      file,
      () => new DomainError(ErrorCode.InvalidFileType, `${file.field} must be a PDF document`, { field: file.field, reason: `${file.field} does not start with %PDF-` }),
    );
  }

  /** Never throws: a leftover is logged by ObjectStorage (the reservation sweeper removes it). */
  deleteQuietly(keys: string[]): Promise<void> {
    return this.storage.deleteQuietly(keys);
  }
}
