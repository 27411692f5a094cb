import { IncomingMessage } from 'node:http';
import { Credential, extractCredential } from '../auth/credentials';

/**
 * A socket's credential: `Authorization: Bearer` as over HTTP, or `?token=` because browsers cannot
 * set headers on a WebSocket. The header wins when both are given.
 */
export function socketCredential(request: Pick<IncomingMessage, 'headers' | 'url'>): Credential | undefined {
  const fromHeader = extractCredential(undefined, request.headers);
  if (fromHeader) return fromHeader;
  const token = new URL(request.url ?? '/', 'ws://gateway').searchParams.get('token');
  return token ? extractCredential(undefined, { authorization: `Bearer ${token}` }) : undefined;
}
