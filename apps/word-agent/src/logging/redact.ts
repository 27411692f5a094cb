const JWT_LIKE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
// The query of a URL carries the presigned signature / credentials: keep the path, drop the rest.
const URL_QUERY = /(https?:\/\/[^\s?#"']+)\?[^\s"']*/gi;
const BEARER = /(Bearer\s+)[^\s"']+/gi;

/** Removes tokens and presigned query strings from text bound for a log or the screen. */
export function redact(text: string): string {
  return text.replace(JWT_LIKE, '[token]').replace(URL_QUERY, '$1?[redacted]').replace(BEARER, '$1[token]');
}
