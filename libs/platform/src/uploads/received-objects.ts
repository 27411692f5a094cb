import type { ReceivedFile } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage } from '../storage/object-storage';

/**
 * The one check a service makes of a file the gateway says it wrote: the key is one the
 * service handed out (its reservation's keys), and the object is there with the size the
 * gateway counted. A missing or different object is a 400 (upload again); storage being down is
 * ObjectStorage's SERVICE_UNAVAILABLE.
 */
export async function assertReceived(storage: ObjectStorage, file: ReceivedFile, allowedKey: (key: string) => boolean): Promise<void> {
  if (!allowedKey(file.key)) {
    throw new DomainError(ErrorCode.BadRequest, 'Not a key of this upload', { field: file.field, reason: 'key not reserved for this upload' });
  }
  const info = await storage.head(file.key);
  if (!info || info.size !== file.size) {
    throw new DomainError(ErrorCode.BadRequest, 'The upload is gone or incomplete; upload again', { field: file.field, reason: 'uploaded object missing' });
  }
}

/** The received file of `field`; a missing one is a 400 naming it. */
export function receivedField(files: ReceivedFile[], field: string): ReceivedFile {
  const file = files.find((candidate) => candidate.field === field);
  if (!file) throw DomainError.validation(`Missing required field(s): ${field}`, { reason: `missing ${field}`, missing: [field] });
  return file;
}

/** A received file over `maxBytes` is a 413 (the gateway enforces it too, while streaming). */
export function assertWithinLimit(file: ReceivedFile, maxBytes: number): void {
  if (file.size > maxBytes) throw new DomainError(ErrorCode.PayloadTooLarge, `"${file.field}" is larger than ${maxBytes} bytes`, { field: file.field, maxBytes });
}
