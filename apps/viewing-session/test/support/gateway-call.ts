/** What the gateway answered: the status, the body as JSON (`{ text }` when it is not JSON), the headers. */
export interface GatewayAnswer {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
}

export interface GatewayCallOptions {
  json?: unknown;
  body?: Buffer;
  headers?: Record<string, string>;
}

/** `call(method, path, options)` against the gateway at `baseUrl()` (read per call: the stack starts in beforeAll). */
export function gatewayCaller(baseUrl: () => string) {
  return async function call(method: string, path: string, options: GatewayCallOptions = {}): Promise<GatewayAnswer> {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}), ...(options.headers ?? {}) },
      body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = { text };
    }
    return { status: response.status, json, headers: response.headers };
  };
}
