import { Injectable, Logger } from '@nestjs/common';
import { StagedUpload } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { isStagingKey, ObjectStorage } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';
import { inspectDocx } from '../versions/docx-inspector';

/**
 * Waits for every one of `work` (started together), then throws the error of the first, in the
 * given order, that failed: the same error a one-after-the-other check would report.
 */
export async function firstFailure(work: Array<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(work);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}

const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');

/** Checks and moves files the gateway staged; never reads a whole file. */
@Injectable()
export class StagedFiles {
  private readonly logger = new Logger(StagedFiles.name);

  constructor(
    private readonly storage: ObjectStorage,
    private readonly env: EditSessionEnv,
  ) {}

  /** The staged object as the gateway described it; a missing or different object is a 400. */
  async assertStaged(file: StagedUpload): Promise<void> {
    if (!isStagingKey(file.key)) throw new DomainError(ErrorCode.BadRequest, 'Not a staged upload', { field: file.field, reason: 'not a staged upload' });
    const info = await this.storage.head(file.key);
    if (!info || info.size !== file.size) {
      throw new DomainError(ErrorCode.BadRequest, 'The staged upload is gone; upload again', { field: file.field, reason: 'staged upload missing' });
    }
  }

  async assertDocx(file: StagedUpload): Promise<void> {
    await inspectDocx(file.size, (offset, length) => this.range(file.key, offset, length), {
      maxEntries: this.env.DOCX_MAX_ENTRIES,
      maxUncompressedBytes: this.env.DOCX_MAX_UNCOMPRESSED_BYTES,
    });
  }

  async assertPdf(file: StagedUpload): Promise<void> {
    const head = file.size >= PDF_MAGIC.length ? await this.range(file.key, 0, PDF_MAGIC.length) : Buffer.alloc(0);
    if (!head.equals(PDF_MAGIC)) {
      throw new DomainError(ErrorCode.InvalidFileType, 'pdf_file must be a PDF document', { field: file.field, reason: 'pdf_file does not start with %PDF-' });
    }
  }

  /** Copies the staged objects to their final keys, all at once; on any failure removes the copies. */
  async copyAll(moves: Array<{ from: string; to: string }>): Promise<void> {
    try {
      await firstFailure(moves.map((move) => this.storage.copy(move.from, move.to)));
    } catch (error) {
      await this.deleteQuietly(moves.map((move) => move.to));
      throw error;
    }
  }

  /** Failures are logged: the gateway's staging sweeper removes staged leftovers later. */
  async deleteQuietly(keys: string[]): Promise<void> {
    if (!keys.length) return;
    try {
      await this.storage.delete(keys);
    } catch (error) {
      this.logger.warn({ err: error, keys }, 'Could not delete objects');
    }
  }

  private async range(key: string, offset: number, length: number): Promise<Buffer> {
    const object = await this.storage.get(key, `bytes=${offset}-${offset + length - 1}`);
    if (!object) throw new DomainError(ErrorCode.BadRequest, 'The staged upload is gone; upload again', { reason: 'staged upload missing' });
    const chunks: Buffer[] = [];
    for await (const chunk of object.body) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    if (bytes.length !== length) throw new DomainError(ErrorCode.BadRequest, 'Could not read the upload', { reason: 'short read' });
    return bytes;
  }
}
