import { parseRetryAfterMs } from './backoff';
import { agentUploadUrl, classifyStatus, serverMessage } from './upload-client';

export interface KeepaliveRequest {
  serverUrl: string;
  editId: string;
  token: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What the server said to a keepalive, reduced to what the agent does next. */
export type KeepaliveOutcome =
  | { kind: 'renewed'; status: number; expiresAt?: number }
  | { kind: 'transient'; status?: number; message: string }
  | { kind: 'rate-limited'; status: 429; retryAfterMs?: number; message: string }
  | { kind: 'session-over'; status: number; message: string };

export function keepaliveUrl(serverUrl: string, editId: string): string {
  return `${agentUploadUrl(serverUrl, editId)}/keepalive`;
}

/**
 * One keepalive (`POST …/agent/{edit_id}/keepalive`, no body): renews the session's lease.
 * Never throws for network trouble. Same status classes as an upload, except that a keepalive
 * carries no content the server could refuse: any other 4xx is trouble to try again at the next tick.
 */
export async function sendKeepalive(request: KeepaliveRequest): Promise<KeepaliveOutcome> {
  let response: Response;
  try {
    const timeout = AbortSignal.timeout(request.timeoutMs);
    response = await fetch(keepaliveUrl(request.serverUrl, request.editId), {
      method: 'POST',
      headers: { Authorization: `Bearer ${request.token}`, 'X-IS-EXTERNAL-EDIT-REQUEST': 'true' },
      signal: request.signal ? AbortSignal.any([timeout, request.signal]) : timeout,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { kind: 'transient', message: `server not reachable (${cause ?? (error as Error).name ?? 'network error'})` };
  }
  const kind = classifyStatus(response.status);
  if (kind === 'delivered') {
    const body = (await response.json().catch(() => ({}))) as { expires_at?: unknown } | null;
    const expiresAt = body && typeof body.expires_at === 'number' && Number.isFinite(body.expires_at) ? body.expires_at : undefined;
    return { kind: 'renewed', status: response.status, expiresAt };
  }
  const message = await serverMessage(response);
  if (kind === 'rate-limited') return { kind, status: 429, retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after')), message };
  if (kind === 'session-over') return { kind, status: response.status, message };
  return { kind: 'transient', status: response.status, message: `HTTP ${response.status}: ${message}` };
}
