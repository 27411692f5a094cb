import { IncomingHttpHeaders } from 'node:http';
import { ClientOptions, WebSocket } from 'ws';
import { waitFor } from './wait';

export interface Frame {
  event: string;
  data: Record<string, unknown>;
  room?: string;
  sequence?: number;
}

/** A WebSocket client that records every frame and its close, for assertions with deadlines. */
export class TestSocket {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;
  private readonly socket: WebSocket;

  private constructor(url: string, headers: IncomingHttpHeaders, options: ClientOptions) {
    this.socket = new WebSocket(url, { ...options, headers: headers as Record<string, string> });
    this.socket.on('message', (raw) => this.frames.push(JSON.parse(String(raw)) as Frame));
    this.socket.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
    this.socket.on('error', () => undefined);
  }

  /** Connects to a gateway's `/ws` with a token in `Authorization: Bearer`. */
  static connectAs(gatewayUrl: string, token: string): Promise<TestSocket> {
    return TestSocket.connect(`${gatewayUrl.replace(/^http/, 'ws')}/ws`, { authorization: `Bearer ${token}` });
  }

  /** Resolves once the socket is open or already closed (the server may close it right away). */
  static async connect(url: string, headers: IncomingHttpHeaders = {}, options: ClientOptions = {}): Promise<TestSocket> {
    const client = new TestSocket(url, headers, options);
    await waitFor(() => client.socket.readyState === WebSocket.OPEN || client.closed !== undefined, {
      description: 'the socket to open',
    });
    return client;
  }

  send(event: string, data: unknown): void {
    this.socket.send(JSON.stringify({ event, data }));
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** The first frame (from `from` on) matching `match`. */
  async frame(match: (frame: Frame) => boolean, description: string, from = 0): Promise<Frame> {
    return waitFor(() => this.frames.slice(from).find(match), { description, timeoutMs: 10_000 });
  }

  /** Sends `join` and waits for its answer: `joined` or `error` for that room. */
  async join(room: string): Promise<Frame> {
    const from = this.frames.length;
    this.send('join', { room });
    return this.frame((f) => (f.event === 'joined' || f.event === 'error') && f.data['room'] === room, `an answer to join ${room}`, from);
  }

  async closeCode(): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closed, { description: 'the socket to close' });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Room events received so far (not join answers). */
  events(room: string): Frame[] {
    return this.frames.filter((frame) => frame.room === room);
  }

  close(): void {
    if (this.closed === undefined) this.socket.terminate();
  }
}
