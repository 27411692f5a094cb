import { lookup as dnsLookup } from 'node:dns/promises';
import http, { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { Readable, Transform } from 'node:stream';
import type { ErrorDetails } from '@quire/errors';
import { OutboundRefusalReason, OutboundUrlRefused } from './outbound-url-refused';
import { OutboundUrlLimits, OutboundUrlPolicy } from './outbound-url-policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface OutboundFetchOptions {
  method?: 'GET' | 'HEAD';
  /** Passed on, except hop-by-hop headers and `Host`; credentials are dropped on a cross-origin redirect. */
  headers?: Record<string, string | string[] | undefined>;
  /** Accept an invalid TLS certificate for this one fetch (its own connection, never a global flag). */
  acceptBadSslCertificate?: boolean;
  /** Allow-list and limits; default: nothing allow-listed and the OutboundUrlEnv defaults. */
  policy?: OutboundUrlPolicy;
  /** Tighter limits for this fetch (they cannot exceed the policy's). */
  limits?: Partial<OutboundUrlLimits>;
  /** Merged into the details of every OutboundUrlRefused, e.g. `{in: 'body', at: 'source.url'}`. */
  errorDetails?: ErrorDetails;
  /** How host names are resolved (all addresses); default dns.lookup. Tests use it to fake DNS. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, streamed; it errors with OutboundUrlRefused('too_large' | 'timeout') past a limit. */
  body: Readable;
  /** The URL that answered, after redirects. */
  finalUrl: string;
}

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);
const credentials = ['authorization', 'cookie'];
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

class ConnectTimeout extends Error {}

/**
 * Fetches a user-supplied URL on the server's behalf without letting it reach the inside: every
 * host (the first and each redirect's) is resolved once, every address it resolves to must be
 * public (or allow-listed), and the connection is made to that checked address, so a second DNS
 * answer cannot point it elsewhere. See docs/adr/014-outbound-url-guard.md.
 */
export async function fetchOutbound(input: string | URL, options: OutboundFetchOptions = {}): Promise<OutboundResponse> {
  const policy = options.policy ?? new OutboundUrlPolicy();
  const limits = tighter(policy.limits, options.limits);
  const refuse = (reason: OutboundRefusalReason) => new OutboundUrlRefused(reason, options.errorDetails);
  const resolve = options.resolve ?? resolveAll;

  // One deadline for the whole fetch; `onDeadline` is what to tear down at each stage.
  let onDeadline: () => void = () => undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    onDeadline();
  }, limits.timeoutMs);

  try {
    let url = parseUrl(input, refuse);
    let method = options.method ?? 'GET';
    let headers = forwardable(options.headers);
    for (let redirects = 0; ; redirects++) {
      const target = await withDeadline(checkTarget(url, policy, resolve, refuse, limits.connectTimeoutMs), (cancel) => {
        onDeadline = cancel;
      });
      const response = await send(url, target, method, headers, options.acceptBadSslCertificate === true, limits, (cancel) => {
        onDeadline = cancel;
      });
      const location = response.headers.location;
      if (redirectStatuses.has(response.statusCode ?? 0) && location) {
        response.destroy();
        if (redirects >= limits.maxRedirects) throw refuse('redirects');
        const next = parseUrl(safeUrl(location, url), refuse);
        if (next.origin !== url.origin) headers = without(headers, credentials);
        if (response.statusCode === 303 && method !== 'HEAD') method = 'GET';
        url = next;
        continue;
      }
      const declared = Number(response.headers['content-length']);
      if (method !== 'HEAD' && Number.isFinite(declared) && declared > limits.maxBytes) {
        response.destroy();
        throw refuse('too_large');
      }
      const body = limitBody(response, limits.maxBytes, refuse);
      onDeadline = () => {
        body.destroy(refuse('timeout'));
        response.destroy();
      };
      body.once('close', () => clearTimeout(timer));
      return { status: response.statusCode ?? 0, headers: response.headers, body, finalUrl: url.href };
    }
  } catch (error) {
    clearTimeout(timer);
    if (error instanceof OutboundUrlRefused) throw error;
    throw refuse(timedOut || error instanceof ConnectTimeout ? 'timeout' : reasonOf(error));
  }
}

function tighter(base: OutboundUrlLimits, own: Partial<OutboundUrlLimits> = {}): OutboundUrlLimits {
  const pick = (key: keyof OutboundUrlLimits) => Math.min(base[key], own[key] ?? base[key]);
  return { maxBytes: pick('maxBytes'), connectTimeoutMs: pick('connectTimeoutMs'), timeoutMs: pick('timeoutMs'), maxRedirects: pick('maxRedirects') };
}

function safeUrl(location: string, base: URL): string {
  try {
    return new URL(location, base).href;
  } catch {
    return location;
  }
}

function parseUrl(input: string | URL, refuse: (reason: OutboundRefusalReason) => OutboundUrlRefused): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw refuse('invalid_url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('scheme');
  if (url.username || url.password || !url.hostname) throw refuse('invalid_url');
  return url;
}

interface Target {
  /** What the request names (the Host header, the TLS server name). */
  host: string;
  /** The checked address the socket connects to. */
  address: string;
  family: 4 | 6;
}

async function checkTarget(
  url: URL,
  policy: OutboundUrlPolicy,
  resolve: (hostname: string) => Promise<ResolvedAddress[]>,
  refuse: (reason: OutboundRefusalReason) => OutboundUrlRefused,
  resolveTimeoutMs: number,
): Promise<Target> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  if (family) {
    if (!policy.allowsAddress(host)) throw refuse('address');
    return { host, address: host, family: family as 4 | 6 };
  }
  const trusted = policy.allowsHost(host);
  if (!trusted && policy.refusesName(host)) throw refuse('address');
  let addresses: ResolvedAddress[];
  try {
    addresses = await withTimeout(resolve(host), resolveTimeoutMs);
  } catch (error) {
    throw error instanceof ConnectTimeout ? refuse('timeout') : refuse('unreachable');
  }
  if (addresses.length === 0) throw refuse('unreachable');
  if (!trusted && addresses.some((a) => !policy.allowsAddress(a.address))) throw refuse('address');
  return { host, address: addresses[0].address, family: addresses[0].family };
}

async function resolveAll(hostname: string): Promise<ResolvedAddress[]> {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

function send(
  url: URL,
  target: Target,
  method: string,
  headers: OutgoingHttpHeaders,
  acceptBadSslCertificate: boolean,
  limits: OutboundUrlLimits,
  setCancel: (cancel: () => void) => void,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // The socket goes to the address checked above, whatever DNS would answer now.
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if (lookupOptions.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const secure = url.protocol === 'https:';
    const request = (secure ? https : http).request({
      protocol: url.protocol,
      hostname: target.host,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method,
      headers,
      lookup: pinned,
      agent: false, // a connection of its own: TLS options below apply to this fetch only
      ...(secure ? { rejectUnauthorized: !acceptBadSslCertificate, servername: isIP(target.host) ? undefined : target.host } : {}),
    });
    setCancel(() => request.destroy(new ConnectTimeout()));
    request.once('socket', (socket) => {
      const connectTimer = setTimeout(() => request.destroy(new ConnectTimeout()), limits.connectTimeoutMs);
      socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      socket.once('close', () => clearTimeout(connectTimer));
    });
    request.once('response', resolve);
    request.once('error', reject);
    request.end();
  });
}

/** Counts the bytes as they stream and fails the body past the limit. */
function limitBody(response: IncomingMessage, maxBytes: number, refuse: (reason: OutboundRefusalReason) => OutboundUrlRefused): Readable {
  let seen = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(refuse('too_large'));
      else done(null, chunk);
    },
  });
  response.once('error', () => body.destroy(refuse('unreachable')));
  response.once('aborted', () => body.destroy(refuse('unreachable')));
  body.once('close', () => response.destroy());
  response.pipe(body);
  return body;
}

function forwardable(given: OutboundFetchOptions['headers'] = {}): OutgoingHttpHeaders {
  const named = new Set(hopByHop);
  // Headers the caller's own Connection header names are hop-by-hop too (RFC 9110 §7.6.1).
  for (const [name, value] of Object.entries(given)) {
    if (name.toLowerCase() === 'connection' && value !== undefined) {
      for (const token of String(value).split(',')) named.add(token.trim().toLowerCase());
    }
  }
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined && !named.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  return headers;
}

function without(headers: OutgoingHttpHeaders, names: string[]): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));
}

function withDeadline<T>(work: Promise<T>, setCancel: (cancel: () => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    setCancel(() => reject(new ConnectTimeout()));
    work.then(resolve, reject);
  });
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ConnectTimeout()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

const tlsCodes = /^(CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY|DECRYPT)|ERR_TLS_CERT|ERR_SSL|HOSTNAME_MISMATCH)/;

function reasonOf(error: unknown): OutboundRefusalReason {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (tlsCodes.test(code)) return 'tls';
    if (code === 'ERR_INVALID_HTTP_TOKEN' || code === 'ERR_INVALID_CHAR' || code === 'ERR_HTTP_INVALID_HEADER_VALUE') return 'headers';
  }
  return 'unreachable';
}
