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

/** rest-auth: a list of `{code, message}`. */
export const restAuthError: HttpErrorMapper = (error) => ({
  status: httpStatusOf(error.code),
  body: [{ code: error.code, message: error.message }],
  headers: commonHeaders(error),
});

/** viewing (PrizmDoc PAS): `{errorCode, errorDetails}`; every input error is a 480. */
export const viewingError: HttpErrorMapper = (error): HttpErrorResponse => {
  const { status, errorCode } = viewingStatus(error.code);
  const body: Record<string, unknown> = { errorCode: stringOr(error.details['errorCode'], errorCode) };
  if (typeof error.details['in'] === 'string') body['in'] = error.details['in'];
  if (typeof error.details['at'] === 'string') body['at'] = error.details['at'];
  body['errorDetails'] = error.message;
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
