import { DomainError, ErrorCode, ErrorDetails } from '@quire/errors';

/** Why a server-side fetch of a user-supplied URL did not happen or did not finish. */
export type OutboundRefusalReason =
  | 'invalid_url' // not a URL, or it carries credentials
  | 'scheme' // not http / https
  | 'address' // the host is, or resolves to, an address (or a name) that may not be fetched
  | 'redirects' // more redirects than allowed
  | 'too_large' // the body is larger than allowed
  | 'timeout' // connecting or the whole fetch took too long
  | 'unreachable' // the name does not resolve, or the connection failed
  | 'headers' // a request header the caller passed on is not valid HTTP
  | 'tls'; // the server's certificate is not valid (and acceptBadSslCertificate was not given)

const messages: Record<OutboundRefusalReason, string> = {
  invalid_url: 'The URL is not valid',
  scheme: 'Only http and https URLs can be fetched',
  address: 'The URL points to an address that cannot be fetched',
  redirects: 'The URL redirects too many times',
  too_large: 'The document at the URL is too large',
  timeout: 'The URL did not answer in time',
  unreachable: 'The URL could not be reached',
  headers: 'A request header is not valid',
  tls: "The URL's server certificate is not valid",
};

/**
 * A refused or failed outbound fetch. It is a `ValidationFailed` DomainError (an input error: the
 * viewing family answers 480 `InvalidInput`); the message says only which rule stopped it, never
 * the resolved address or the underlying error. `details.reason` is machine-readable; callers
 * pass `{in, at}` (e.g. `{in: 'body', at: 'source.url'}`) through the fetch's `errorDetails`.
 */
export class OutboundUrlRefused extends DomainError {
  constructor(
    readonly reason: OutboundRefusalReason,
    details: ErrorDetails = {},
  ) {
    super(ErrorCode.ValidationFailed, messages[reason], { ...details, reason });
  }
}
