import { LoggerService } from '@nestjs/common';
import { DomainError, ErrorCode } from '@quire/errors';

/**
 * Runs work that talks to S3: domain errors pass through; anything else (S3 down, network) is
 * logged here (with `context`, e.g. the key) and answered as SERVICE_UNAVAILABLE (503, retry is
 * safe) instead of a bare 500.
 */
export async function storageCall<T>(logger: LoggerService, what: string, work: () => Promise<T>, context: object = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    logger.error({ err: error, ...context }, `${what} failed`);
    throw new DomainError(ErrorCode.ServiceUnavailable, 'File storage is unavailable, try again');
  }
}
