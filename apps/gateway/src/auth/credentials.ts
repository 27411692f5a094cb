import { IncomingHttpHeaders } from 'node:http';
import { ApiFamily } from '@quire/errors';

/** A credential as it arrived: a signed JWT, or an opaque API token (with its account code). */
export type Credential =
  | { kind: 'jwt'; token: string }
  | { kind: 'api-token'; token: string; accountCode?: string }
  /** The viewing family's per-account `Accusoft-Secret` (server-to-server calls). */
  | { kind: 'viewing-secret'; token: string };

/** Each family's own header first, then `Authorization: Bearer`, which every family accepts. */
const familyHeaders: Record<ApiFamily, string[]> = {
  'word-edit': [],
  'file-upload': ['x-apitoken'],
  documents: ['x-api-token'],
  viewing: [],
  'rest-auth': ['x-os-api-token'],
};

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

export function extractCredential(family: ApiFamily | undefined, headers: IncomingHttpHeaders): Credential | undefined {
  if (family === 'viewing') {
    const secret = single(headers['accusoft-secret']);
    if (secret !== undefined) return secret.length > 256 ? undefined : { kind: 'viewing-secret', token: secret };
  }
  const candidates = [
    ...(family ? familyHeaders[family] : []).map((name) => single(headers[name])),
    single(headers.authorization)?.match(/^Bearer\s+(\S+)$/i)?.[1],
  ];
  const token = candidates.find((value): value is string => value !== undefined);
  if (!token || token.length > 4096) return undefined;
  if (JWT_SHAPE.test(token)) return { kind: 'jwt', token };
  return { kind: 'api-token', token, accountCode: single(headers['x-accountcode']) };
}
