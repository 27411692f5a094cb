import { DomainError } from '../domain-error';

/** What the gateway writes for an error: status, JSON body and extra headers. */
export interface HttpErrorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type ApiFamily = 'word-edit' | 'file-upload' | 'documents' | 'viewing' | 'rest-auth';

export type HttpErrorMapper = (error: DomainError) => HttpErrorResponse;

/** Headers every family sends for some codes (429 Retry-After). */
export function commonHeaders(error: DomainError): Record<string, string> | undefined {
  const retryAfter = error.details['retryAfterSeconds'];
  if (typeof retryAfter === 'number') return { 'Retry-After': String(Math.max(1, Math.ceil(retryAfter))) };
  return undefined;
}

export function detailsText(error: DomainError): string {
  const { retryAfterSeconds: _ignored, ...rest } = error.details;
  if (typeof rest['reason'] === 'string') return rest['reason'];
  return Object.keys(rest).length ? JSON.stringify(rest) : error.code;
}
