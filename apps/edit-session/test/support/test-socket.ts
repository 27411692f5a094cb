import { WebSocket } from 'ws';
import { waitFor } from '@quire/testing';

export interface Frame {
  event: string;
  data: Record<string, unknown>;
  room?: string;
  sequence?: number;
}

/** A /ws client that records every frame, for assertions with deadlines. */
export class TestSocket {
  readonly frames: Frame[] = [];
  private closed = false;
  /** The close code the server sent, once closed. */
  closeCode: number | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw) => this.frames.push(JSON.parse(String(raw)) as Frame));
    socket.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
    });
    socket.on('error', () => undefined);
  }

  static async connect(gatewayUrl: string, token: string): Promise<TestSocket> {
    const client = new TestSocket(new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}/ws`, { headers: { authorization: `Bearer ${token}` } }));
    await waitFor(() => client.socket.readyState === WebSocket.OPEN || client.closed, { description: 'the socket to open' });
    return client;
  }

  /** Sends `join` and waits for `joined` or `error` for that room. */
  async join(room: string): Promise<Frame> {
    const from = this.frames.length;
    this.socket.send(JSON.stringify({ event: 'join', data: { room } }));
    return waitFor(() => this.frames.slice(from).find((f) => (f.event === 'joined' || f.event === 'error') && f.data['room'] === room), {
      description: `an answer to join ${room}`,
    });
  }

  /** Room events received so far (not join answers). */
  events(room: string): Frame[] {
    return this.frames.filter((frame) => frame.room === room);
  }

  close(): void {
    this.socket.terminate();
  }
}
