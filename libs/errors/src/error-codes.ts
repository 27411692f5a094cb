/**
 * Stable, machine-readable error codes shared by every service. Adding a code here without
 * giving it a status in `httpStatusOf` (below) and a case in each family's mapper
 * (`http/mappers.ts`) fails to compile: both switches end in `assertUnreachable`.
 */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  BadRequest = 'BAD_REQUEST',
  InvalidFileType = 'INVALID_FILE_TYPE',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  /** A path parameter or URL longer than the router takes (Fastify's 414). */
  UriTooLong = 'URI_TOO_LONG',
  /** A body in a content type the route does not take (e.g. a form on a JSON route). */
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  /** The client stopped sending a request body it had begun (a stalled upload). */
  RequestTimeout = 'REQUEST_TIMEOUT',
  RateLimited = 'RATE_LIMITED',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  UpstreamTimeout = 'UPSTREAM_TIMEOUT',
  Internal = 'INTERNAL',
}

const codes = new Set<string>(Object.values(ErrorCode));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && codes.has(value);
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unmapped value: ${String(value)}`);
}

/** The HTTP status each code means, before a family's own adjustments (viewing's 480). */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
    case ErrorCode.BadRequest:
    case ErrorCode.InvalidFileType:
      return 400;
    case ErrorCode.Unauthenticated:
      return 401;
    case ErrorCode.Forbidden:
      return 403;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.Conflict:
      return 409;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.UriTooLong:
      return 414;
    case ErrorCode.UnsupportedMediaType:
      return 415;
    case ErrorCode.RequestTimeout:
      return 408;
    case ErrorCode.RateLimited:
      return 429;
    case ErrorCode.Internal:
      return 500;
    case ErrorCode.ServiceUnavailable:
      return 503;
    case ErrorCode.UpstreamTimeout:
      return 504;
    default:
      return assertUnreachable(code);
  }
}
