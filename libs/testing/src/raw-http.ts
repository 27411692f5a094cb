import { connect, Socket } from 'node:net';

export interface RawHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 request written by hand on a plain socket, for what fetch cannot do: send half a
 * body and stop, or declare a length and send nothing. `response` settles with the first answer
 * (headers and a Content-Length body), `closed` when the server has closed the connection.
 */
export interface RawHttpExchange {
  socket: Socket;
  /** Writes more of the body. */
  write(bytes: Buffer | string): Promise<void>;
  response: Promise<RawHttpResponse>;
  /** Resolves with the ms from opening until the socket closed (by either side). */
  closed: Promise<number>;
  /** Body bytes written so far (after the head). */
  sentBodyBytes(): number;
}

export async function rawHttpRequest(baseUrl: string, head: { method: string; path: string; headers: Record<string, string> }, body?: Buffer | string): Promise<RawHttpExchange> {
  const url = new URL(baseUrl);
  const started = Date.now();
  const socket = connect({ host: url.hostname, port: Number(url.port) });
  // Writes after the server closed fail with EPIPE / ECONNRESET: the test looks at `closed`.
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  let received = Buffer.alloc(0);
  const response = new Promise<RawHttpResponse>((resolve, reject) => {
    const tryParse = (): boolean => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (received.length < end + 4 + length) return false;
      resolve({ status: Number(statusLine?.split(' ')[1]), headers, body: received.subarray(end + 4, end + 4 + length).toString('utf8') });
      return true;
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      tryParse();
    });
    socket.once('close', () => {
      if (!tryParse()) reject(new Error(`The connection closed before a whole answer (${received.length} bytes received)`));
    });
  });
  response.catch(() => undefined);
  let sent = 0;
  const write = (bytes: Buffer | string): Promise<void> =>
    new Promise<void>((resolve) => {
      if (socket.destroyed || !socket.writable) return resolve();
      sent += Buffer.byteLength(bytes);
      socket.write(bytes, () => resolve());
    });
  const lines = [`${head.method} ${head.path} HTTP/1.1`, `host: ${url.host}`, ...Object.entries(head.headers).map(([name, value]) => `${name}: ${value}`)];
  await new Promise<void>((resolve) => socket.write(`${lines.join('\r\n')}\r\n\r\n`, () => resolve()));
  if (body !== undefined) await write(body);
  return { socket, write, response, closed, sentBodyBytes: () => sent };
}
