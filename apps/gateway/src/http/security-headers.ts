import { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { HelmetOptions } from 'helmet';

/**
 * The security headers helmet would set, computed once. Our helmet options are static (no
 * per-request nonce), so the headers are the same on every answer; @fastify/helmet re-parsed the
 * CSP directives and set each header on every request — 14% of the gateway's CPU for a hello.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return response;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let done = false;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously: its options must be static');
  return headers;
}

/**
 * What every API answer (JSON, file downloads, errors) carries: OWASP's REST Security Cheat Sheet
 * set. The other headers of helmet's default set only mean something to an HTML page (DNS
 * prefetch, IE8 downloads, Flash policies, the old XSS auditor, origin-keyed agent clusters,
 * opener isolation) and each one is validated and written by Node on every answer: the gateway's
 * hello was 17 % slower with all of them (ADR 008).
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
});

/** The only HTML the gateway serves: Swagger UI, which needs inline scripts and styles. */
const DOCS_PATH = /^\/docs(\/|\?|$)/;

export interface GatewaySecurityHeaders {
  /** The headers for an answer to this request URL, computed once per policy. */
  for(url: string): Readonly<Record<string, string>>;
}

/** API answers get the REST set; /docs gets helmet's full set with Swagger UI's CSP. */
export function gatewaySecurityHeaders(): GatewaySecurityHeaders {
  const docs = Object.freeze(
    securityHeaders({
      contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"], 'style-src': ["'self'", "'unsafe-inline'"] } },
    }),
  );
  return { for: (url) => (url.charCodeAt(1) === 100 /* d */ && DOCS_PATH.test(url) ? docs : API_SECURITY_HEADERS) };
}
