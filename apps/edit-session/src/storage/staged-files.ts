import { Injectable } from '@nestjs/common';
import { ReceivedFile } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { assertOoxmlObject, assertPdfObject, assertReceived, isStagingKey, ObjectStorage } from '@quire/platform';
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

/**
 * Checks files the gateway wrote (to reserved keys, or to staging for templates) and moves staged
 * ones; never reads a whole file.
 */
@Injectable()
export class StagedFiles {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly env: EditSessionEnv,
  ) {}

  /** The object as the gateway described it, at a key `allowed` accepts; otherwise a 400. */
  assertReceived(file: ReceivedFile, allowed: (key: string) => boolean): Promise<void> {
    return assertReceived(this.storage, file, allowed);
  }

  /** A template's staged object (the older staging path). */
  assertStaged(file: ReceivedFile): Promise<void> {
    return assertReceived(this.storage, file, isStagingKey);
  }

  async assertDocx(file: ReceivedFile): Promise<void> {
    await assertOoxmlObject(this.storage, file, {
      kind: 'docx',
      field: 'word_file',
      invalidMessage: 'word_file must be a Word document (.docx)',
      maxEntries: this.env.DOCX_MAX_ENTRIES,
      maxUncompressedBytes: this.env.DOCX_MAX_UNCOMPRESSED_BYTES,
    });
  }

  assertPdf(file: ReceivedFile): Promise<void> {
    return assertPdfObject(
      this.storage,
      file,
      () => new DomainError(ErrorCode.InvalidFileType, 'pdf_file must be a PDF document', { field: file.field, reason: 'pdf_file does not start with %PDF-' }),
    );
  }

  /** Copies staged objects to their final keys, all at once; on any failure removes the copies. */
  async copyAll(moves: Array<{ from: string; to: string }>): Promise<void> {
    try {
      await firstFailure(moves.map((move) => this.storage.copy(move.from, move.to)));
    } catch (error) {
      await this.deleteQuietly(moves.map((move) => move.to));
      throw error;
    }
  }

  /** Never throws: a leftover is logged by ObjectStorage (the staging sweeper removes staged ones). */
  deleteQuietly(keys: string[]): Promise<void> {
    return this.storage.deleteQuietly(keys);
  }
}
