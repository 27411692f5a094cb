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

/** Swagger UI, which needs inline scripts and styles. */
const DOCS_PATH = /^\/docs(\/|\?|$)/;
/** The browser viewer (`/viewer?viewingSessionId=…`) and its built assets (`/viewer/assets/…`). */
const VIEWER_PATH = /^\/viewer(\/|\?|$)/;

export interface GatewaySecurityHeaders {
  /** The headers for an answer to this request URL, computed once per policy. */
  for(url: string): Readonly<Record<string, string>>;
}

/**
 * The viewer's headers: a strict CSP (its own script and style only — no inline code — images
 * from itself, blob: and data:, fetch to itself) whose `frame-ancestors` is the allowed-origins
 * setting. X-Frame-Options says the same where it can (`'none'` → DENY, `'self'` alone →
 * SAMEORIGIN) and is left out when other origins may embed it: it cannot name them, and
 * browsers that know frame-ancestors ignore it anyway. Embeddable elsewhere, the page itself is
 * `cross-origin` for CORP; its assets stay `same-origin`.
 */
export function viewerSecurityHeaders(frameAncestors: readonly string[]): Readonly<Record<string, string>> {
  const ancestors = frameAncestors.length ? frameAncestors : ["'self'"];
  const onlySelf = ancestors.length === 1 && ancestors[0] === "'self'";
  const none = ancestors.length === 1 && ancestors[0] === "'none'";
  const headers: Record<string, string> = {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' blob: data:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      `frame-ancestors ${ancestors.join(' ')}`,
    ].join('; '),
    'cross-origin-resource-policy': onlySelf || none ? 'same-origin' : 'cross-origin',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': API_SECURITY_HEADERS['strict-transport-security']!,
    'x-content-type-options': 'nosniff',
  };
  if (none) headers['x-frame-options'] = 'DENY';
  else if (onlySelf) headers['x-frame-options'] = 'SAMEORIGIN';
  return Object.freeze(headers);
}

/** API answers get the REST set; /docs gets helmet's full set with Swagger UI's CSP; /viewer its own. */
export function gatewaySecurityHeaders(viewerFrameAncestors: readonly string[] = ["'self'"]): GatewaySecurityHeaders {
  const docs = Object.freeze(
    securityHeaders({
      contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"], 'style-src': ["'self'", "'unsafe-inline'"] } },
    }),
  );
  const viewer = viewerSecurityHeaders(viewerFrameAncestors);
  return {
    for: (url) => {
      const second = url.charCodeAt(1);
      if (second === 100 /* d */ && DOCS_PATH.test(url)) return docs;
      if (second === 118 /* v */ && VIEWER_PATH.test(url)) return viewer;
      return API_SECURITY_HEADERS;
    },
  };
}
