import { DomainError, ErrorCode } from '@quire/errors';

/** A query / path problem in PrizmDoc's terms: 480 InvalidInput naming the parameter. */
export function invalid(where: 'query' | 'path', at: string, message: string): DomainError {
  return new DomainError(ErrorCode.BadRequest, message, { errorCode: 'InvalidInput', in: where, at });
}

/** `DocumentID=u{viewingSessionId}` (the viewer's only credential). */
export function viewingSessionIdOf(documentId: unknown): string {
  if (typeof documentId !== 'string' || !/^u[A-Za-z0-9_-]{22,64}$/.test(documentId)) {
    throw invalid('query', 'DocumentID', 'DocumentID must be u followed by a viewing session id');
  }
  return documentId.slice(1);
}

/**
 * A session id in a path: `u{id}` on the `/ViewingSession/…` routes, the bare id on the
 * `/v2/viewingSessions/{id}/…` ones (an id may itself start with `u`: never strip it there).
 */
export function pathSessionId(value: string, at = 'viewingSessionId', form: 'u' | 'bare' = 'u'): string {
  const id = form === 'u' && value.startsWith('u') ? value.slice(1) : value;
  if (!/^[A-Za-z0-9_-]{22,64}$/.test(id)) throw DomainError.notFound('Viewing session', { errorCode: 'DocumentNotFound', in: 'path', at });
  return id;
}

export function pageNumber(value: string): number {
  if (!/^\d{1,6}$/.test(value)) throw invalid('path', 'pageNumber', 'The page number must be 0 or more');
  return Number(value);
}

export function optionalNumber(value: unknown, at: string, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max)) throw invalid('query', at, `${at} must be a number from ${min} to ${max}`);
  return number;
}

export function imageType(value: unknown, allowed: readonly string[], fallback: string): string {
  if (value === undefined || value === '') return fallback;
  const type = typeof value === 'string' ? value.toLowerCase().replace(/^image\//, '').replace(/\+xml$/, '') : '';
  if (!allowed.includes(type)) throw invalid('query', 'ContentType', `ContentType must be one of ${allowed.join(', ')}`);
  return type;
}

/** `side=original|revised` of a comparison session's page calls; absent: none (the service's default, revised). */
export function comparisonSide(value: unknown): { side?: 'original' | 'revised' } {
  if (value === undefined || value === '') return {};
  if (value !== 'original' && value !== 'revised') throw invalid('query', 'side', 'side must be original or revised');
  return { side: value };
}

/** Only the parameters a route knows; PrizmDoc's viewer adds cache busters (`_`, `iid`) we ignore. */
export type ViewerQuery = Record<string, string | undefined>;
