const JWT_LIKE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
// The query of a URL carries the presigned signature / credentials: keep the path, drop the rest.
const URL_QUERY = /(https?:\/\/[^\s?#"']+)\?[^\s"']*/gi;
// The same URL percent-encoded as a whole (as browsers hand over winword:// links).
const ENCODED_URL_QUERY = /(https?%3A%2F%2F[^\s"'%]*(?:%(?!3F)[0-9A-F]{2}[^\s"'%]*)*)%3F[^\s"']*/gi;
// Presigned parameters anywhere else.
const PRESIGNED_PARAM = /((?:X-Amz-(?:Signature|Credential|Security-Token)|Signature|AWSAccessKeyId)(?:=|%3D))[^&\s"']+/gi;
const BEARER = /(Bearer\s+)[^\s"']+/gi;

/** Removes tokens and presigned query strings from text bound for a log or the screen. */
export function redact(text: string): string {
  return text
    .replace(JWT_LIKE, '[token]')
    .replace(URL_QUERY, '$1?[redacted]')
    .replace(ENCODED_URL_QUERY, '$1%3F[redacted]')
    .replace(PRESIGNED_PARAM, '$1[redacted]')
    .replace(BEARER, '$1[token]');
}
