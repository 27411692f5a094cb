/** What the browser hands over: `winword://{auth_token}^{edit_id}^{template_path}`. */
export interface WinwordLaunch {
  token: string;
  editId: string;
  /** Presigned URL of the .docx to edit. */
  documentUrl: string;
}

/** A launch link the agent cannot use; the message says what is wrong (never the token). */
export class LaunchLinkError extends Error {}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const EDIT_ID = /^[A-Za-z0-9_-]{1,64}$/;

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new LaunchLinkError(`The ${what} in the link is not valid percent-encoding`);
  }
}

/** Splits on the first two separators: the presigned URL may itself contain the separator. */
function splitThree(body: string): [string, string, string] | undefined {
  const encoded = !body.includes('^');
  const separator = encoded ? /%5e/i : /\^/;
  const first = body.search(separator);
  if (first < 0) return undefined;
  const width = encoded ? 3 : 1;
  const rest = body.slice(first + width);
  const second = rest.search(separator);
  if (second < 0) return undefined;
  return [body.slice(0, first), rest.slice(0, second), rest.slice(second + width)];
}

/**
 * Parses a winword:// link as browsers deliver it: `^` may arrive as `%5E`, the document URL may
 * be percent-encoded as a whole, some browsers add `/` after the scheme or at the end.
 */
export function parseWinwordUri(raw: string): WinwordLaunch {
  const input = raw.trim();
  const scheme = /^winword:/i.exec(input);
  if (!scheme) throw new LaunchLinkError('Not a winword: link (expected winword://<token>^<edit id>^<document URL>)');
  const body = input.slice(scheme[0].length).replace(/^\/+/, '');
  const parts = splitThree(body);
  if (!parts) throw new LaunchLinkError('The link must have three parts separated by ^: <token>^<edit id>^<document URL>');

  const token = decode(parts[0], 'token');
  if (!JWT.test(token)) throw new LaunchLinkError('The first part of the link is not a session token');
  const editId = decode(parts[1], 'edit id').replace(/\/+$/, '');
  if (!EDIT_ID.test(editId)) throw new LaunchLinkError('The edit id in the link is not valid');

  let documentUrl = parts[2];
  // A URL encoded as a whole starts with `https%3A`; a plain one keeps its own query encoding as is.
  if (/^https?%3a/i.test(documentUrl)) documentUrl = decode(documentUrl, 'document URL');
  // A slash added by the browser after a presigned query or a file name is not part of the URL.
  if (documentUrl.endsWith('/') && (documentUrl.includes('?') || /\.docx\/$/i.test(documentUrl))) documentUrl = documentUrl.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(documentUrl);
  } catch {
    throw new LaunchLinkError('The document URL in the link is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new LaunchLinkError('The document URL in the link must be http(s)');
  return { token, editId, documentUrl };
}
