import { openAsBlob } from 'node:fs';
import { parseRetryAfterMs } from './backoff';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface UploadRequest {
  serverUrl: string;
  editId: string;
  token: string;
  docxPath: string;
  pdfPath: string;
  documentName: string;
  /** Same value for every attempt of one version: lets the server drop a duplicate after a lost answer. */
  idempotencyKey: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What the server said, reduced to what the agent does next. */
export type UploadOutcome =
  | { kind: 'delivered'; status: number; body: { message?: string; word_s3_path?: string; pdf_s3_path?: string; [field: string]: unknown } }
  | { kind: 'retry'; status?: number; message: string }
  | { kind: 'rate-limited'; status: 429; retryAfterMs?: number; message: string }
  | { kind: 'session-over'; status: number; message: string }
  | { kind: 'rejected'; status: number; message: string };

export function agentUploadUrl(serverUrl: string, editId: string): string {
  return `${serverUrl}/api-v3/report/external-edit/agent/${encodeURIComponent(editId)}`;
}

/** The server's `message` (and `details`) from an error body, else the start of the body. */
export async function serverMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { message?: unknown; details?: unknown };
    const message = typeof body.message === 'string' ? body.message : '';
    const details = typeof body.details === 'string' && body.details ? ` (${body.details})` : '';
    if (message) return `${message}${details}`;
  } catch {
    // not JSON
  }
  return text.slice(0, 200) || `HTTP ${response.status}`;
}

export function classifyStatus(status: number): UploadOutcome['kind'] {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 429) return 'rate-limited';
  if (status === 401 || status === 403 || status === 404 || status === 410) return 'session-over';
  if (status === 408 || status >= 500) return 'retry';
  return 'rejected';
}

/** One upload attempt (multipart, files streamed from disk); never throws for network trouble. */
export async function uploadVersion(request: UploadRequest): Promise<UploadOutcome> {
  let response: Response;
  try {
    const form = new FormData();
    const baseName = request.documentName.replace(/\.docx$/i, '');
    form.append('word_file', await openAsBlob(request.docxPath, { type: DOCX_TYPE }), `${baseName}.docx`);
    form.append('pdf_file', await openAsBlob(request.pdfPath, { type: 'application/pdf' }), `${baseName}.pdf`);
    response = await fetch(agentUploadUrl(request.serverUrl, request.editId), {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${request.token}`,
        'X-IS-EXTERNAL-EDIT-REQUEST': 'true',
        'Idempotency-Key': request.idempotencyKey,
      },
      body: form,
      signal: request.signal ? AbortSignal.any([AbortSignal.timeout(request.timeoutMs), request.signal]) : AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { kind: 'retry', message: `server not reachable (${cause ?? (error as Error).name ?? 'network error'})` };
  }
  const kind = classifyStatus(response.status);
  if (kind === 'delivered') {
    const body = (await response.json().catch(() => ({}))) as Extract<UploadOutcome, { kind: 'delivered' }>['body'];
    return { kind, status: response.status, body: body && typeof body === 'object' ? body : {} };
  }
  const message = await serverMessage(response);
  if (kind === 'rate-limited') return { kind, status: 429, retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after')), message };
  return { kind, status: response.status, message };
}
