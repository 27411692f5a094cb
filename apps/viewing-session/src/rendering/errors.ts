import { DomainError, ErrorCode } from '@quire/errors';

/** Every worker is busy and the queue is full: the caller may retry later. */
export class ConverterBusyError extends DomainError {
  constructor(queued: number) {
    super(ErrorCode.ServiceUnavailable, 'All document converters are busy', { queued });
  }
}

export class ConversionTimeoutError extends DomainError {
  constructor(timeoutMs: number) {
    super(ErrorCode.UpstreamTimeout, `Conversion did not finish within ${timeoutMs} ms`, { timeoutMs });
  }
}

/** LibreOffice could not read the document: the client sent something it cannot convert. */
export class ConversionFailedError extends DomainError {
  constructor(reason: string) {
    super(ErrorCode.InvalidFileType, 'The document could not be converted', { reason: reason.slice(0, 300) });
  }
}

export class RenderError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ErrorCode.Internal, message, details);
  }
}

export class PageOutOfRangeError extends DomainError {
  constructor(page: number, pageCount: number) {
    super(ErrorCode.NotFound, `Page ${page} does not exist`, { page, pageCount });
  }
}
