import { DomainError } from '../domain-error';
import { assertUnreachable, ErrorCode, httpStatusOf } from '../error-codes';
import { ApiFamily, commonHeaders, detailsText, HttpErrorMapper, HttpErrorResponse } from './http-error';

/** word-edit: `{code: <status>, message, details: string}` (the spec shows a numeric code). */
export const wordEditError: HttpErrorMapper = (error) => {
  const status = httpStatusOf(error.code);
  return { status, body: { code: status, message: error.message, details: detailsText(error) }, headers: commonHeaders(error) };
};

/** file-upload: `{error: {code, message}}`, the counterpart of the `{data}` envelope. */
export const fileUploadError: HttpErrorMapper = (error) => ({
  status: httpStatusOf(error.code),
  body: { error: { code: error.code, message: error.message } },
  headers: commonHeaders(error),
});

/** documents: `{code, message, details}` with the stable string code. */
export const documentsError: HttpErrorMapper = (error) => ({
  status: httpStatusOf(error.code),
  body: { code: error.code, message: error.message, details: error.details },
  headers: commonHeaders(error),
});

/**
 * rest-auth: a list of `{code, message}`. `code` is the stable code, or OpenSpecimen's own name for
 * the error when the service gives one in `details.restAuthCode` (`USER_NOT_FOUND`, `RBAC_ACCESS_DENIED`).
 */
export const restAuthError: HttpErrorMapper = (error) => ({
  status: httpStatusOf(error.code),
  body: [{ code: stringOr(error.details['restAuthCode'], error.code), message: error.message }],
  headers: commonHeaders(error),
});

/**
 * viewing (PrizmDoc PAS): `{errorCode, in, at, errorDetails: {in, at, message}}`; every input error
 * is a 480. `in` / `at` name the field: given by the service, or the first failing field of a
 * validation error (`source.fileName`, `watermarks.0.opacity`). PrizmDoc shows them both at the
 * top level and in `errorDetails`; we write both, so either reading works.
 */
export const viewingError: HttpErrorMapper = (error): HttpErrorResponse => {
  const { status, errorCode } = viewingStatus(error.code);
  const fields = error.details['fields'];
  const firstField = fields && typeof fields === 'object' ? Object.keys(fields)[0] : undefined;
  const at = typeof error.details['at'] === 'string' ? error.details['at'] : firstField;
  const where = typeof error.details['in'] === 'string' ? error.details['in'] : at !== undefined ? 'body' : undefined;
  const body: Record<string, unknown> = { errorCode: stringOr(error.details['errorCode'], errorCode) };
  if (where !== undefined) body['in'] = where;
  if (at !== undefined) body['at'] = at;
  body['errorDetails'] = { ...(where !== undefined ? { in: where } : {}), ...(at !== undefined ? { at } : {}), message: error.message };
  return { status, body, headers: commonHeaders(error) };
};

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

function viewingStatus(code: ErrorCode): { status: number; errorCode: string } {
  switch (code) {
    case ErrorCode.ValidationFailed:
    case ErrorCode.BadRequest:
    case ErrorCode.InvalidFileType:
      return { status: 480, errorCode: 'InvalidInput' };
    case ErrorCode.Unauthenticated:
      return { status: 401, errorCode: 'Unauthorized' };
    case ErrorCode.Forbidden:
      return { status: 403, errorCode: 'InvalidSecret' };
    case ErrorCode.NotFound:
      return { status: 404, errorCode: 'DocumentNotFound' };
    case ErrorCode.Conflict:
      return { status: 480, errorCode: 'IncorrectUsage' };
    case ErrorCode.PayloadTooLarge:
      return { status: 413, errorCode: 'RequestTooLarge' };
    case ErrorCode.UriTooLong:
      return { status: 414, errorCode: 'RequestTooLarge' };
    case ErrorCode.UnsupportedMediaType:
      return { status: 415, errorCode: 'UnsupportedMediaType' };
    case ErrorCode.RequestTimeout:
      return { status: 408, errorCode: 'RequestTimeout' };
    case ErrorCode.RateLimited:
      return { status: 429, errorCode: 'TooManyRequests' };
    case ErrorCode.ServiceUnavailable:
      return { status: 503, errorCode: 'ServiceUnavailable' };
    case ErrorCode.UpstreamTimeout:
      return { status: 504, errorCode: 'GatewayTimeout' };
    case ErrorCode.Internal:
      return { status: 500, errorCode: 'ServerError' };
    default:
      return assertUnreachable(code);
  }
}

const mappers: Record<ApiFamily, HttpErrorMapper> = {
  'word-edit': wordEditError,
  'file-upload': fileUploadError,
  documents: documentsError,
  viewing: viewingError,
  'rest-auth': restAuthError,
};

export function mapHttpError(family: ApiFamily, error: DomainError): HttpErrorResponse {
  return mappers[family](error);
}
