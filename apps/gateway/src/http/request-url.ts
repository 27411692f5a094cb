import { DomainError, ErrorCode } from '@quire/errors';
import { textProblem } from './hostile-text';

/** Anything but printable ASCII must be percent-encoded in a request line. */
const UNENCODED = /[^\x21-\x7e]/;

function refused(where: 'path' | 'query', message: string): DomainError {
  return new DomainError(ErrorCode.BadRequest, message, { in: where, reason: message });
}

function decoded(component: string, where: 'path' | 'query'): string {
  try {
    return decodeURIComponent(component);
  } catch {
    throw refused(where, `The ${where} has invalid percent-encoding or invalid UTF-8`);
  }
}

/**
 * Refuses, as the family's 400, a request URL whose path or query (each name and value, decoded
 * as the router and the query parser will) has invalid percent-encoding, invalid UTF-8, a NUL or
 * a lone surrogate, or raw bytes that should have been encoded. Cheap for the common URL: one
 * regular expression, and decoding only when there is a `%`.
 */
export function assertAcceptableUrl(url: string): void {
  if (UNENCODED.test(url)) throw refused(url.includes('?') && UNENCODED.test(url.slice(url.indexOf('?'))) ? 'query' : 'path', 'The URL has characters that must be percent-encoded');
  if (!url.includes('%')) return;
  const split = url.indexOf('?');
  const path = split < 0 ? url : url.slice(0, split);
  const problem = textProblem(decoded(path, 'path'));
  if (problem) throw refused('path', `The path ${problem}`);
  if (split < 0) return;
  for (const pair of url.slice(split + 1).split('&')) {
    for (const part of pair.split('=')) {
      const text = decoded(part.replace(/\+/g, ' '), 'query');
      const bad = textProblem(text);
      if (bad) throw refused('query', `The query ${bad}`);
    }
  }
}
