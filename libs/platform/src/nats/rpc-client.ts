import { randomUUID } from 'node:crypto';
import { createInbox, Events, headers as natsHeaders, JSONCodec, Msg, MsgHdrs, NatsConnection } from 'nats';
import { Principal, RpcHeaders } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';

export interface RpcCallContext {
  requestId: string;
  principal?: Principal;
  /** Overrides the client's default timeout for this call. */
  timeoutMs?: number;
}

interface NestReplyPacket {
  err?: unknown;
  response?: unknown;
  isDisposed?: boolean;
}

const codec = JSONCodec<unknown>();

/** Why a call failed before any reply packet arrived. */
class TransportFailure extends Error {
  constructor(readonly kind: 'timeout' | 'no-responders' | 'closed') {
    super(kind);
  }
}

interface PendingCall {
  resolve(message: Msg): void;
  reject(failure: TransportFailure): void;
  timer: NodeJS.Timeout;
}

/**
 * Request / reply over NATS in the packet format Nest's NATS transport speaks, with a timeout on
 * every call. It tells the two failures apart: no responders (nothing listens: safe to retry) is a
 * 503, a timeout (the service may still be working) is a 504.
 *
 * Replies come to one wildcard inbox subscription per client (`<inbox>.<n>`), as nats.js's own
 * `request` does, but without its cost per call: nats.js settles every request by rejecting it
 * once more with a new NatsError (a stack trace captured per successful call, ≈ 3 % of the
 * gateway's CPU on a one-row read, ADR 008) and keeps a deferred and a timeout object per call.
 *
 * While the connection is down (NATS restarting) a call waits for it to come back, within its
 * timeout, before it is sent: nats.js would buffer the message and then drop the buffer when it
 * reconnects, so the call would time out (504, outcome unknown) although nothing was sent. Not
 * back in time, the call fails as "bus unavailable" (503: nothing was sent, a retry is safe).
 */
export class RpcClient {
  private inbox?: string;
  private readonly pending = new Map<string, PendingCall>();
  private sequence = 0;
  /** Set while the connection is down: resolves when it is back. */
  private reconnected: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly defaultTimeoutMs: number,
    private readonly subjectPrefix = '',
  ) {
    void this.watchConnection();
  }

  async request<TReply>(subject: string, data: unknown, context: RpcCallContext): Promise<TReply> {
    const headers = natsHeaders();
    headers.set(RpcHeaders.requestId, context.requestId);
    if (context.principal) headers.set(RpcHeaders.principal, JSON.stringify(context.principal));
    let timeout = context.timeoutMs ?? this.defaultTimeoutMs;
    let reply: NestReplyPacket;
    try {
      if (this.reconnected) timeout -= await this.waitForConnection(timeout);
      const message = await this.call(`${this.subjectPrefix}${subject}`, codec.encode({ pattern: subject, data, id: randomUUID() }), headers, timeout);
      reply = codec.decode(message.data) as NestReplyPacket;
    } catch (error) {
      throw transportError(error, subject, timeout);
    }
    if (reply.err !== undefined && reply.err !== null) throw DomainError.fromRpc(reply.err);
    return reply.response as TReply;
  }

  /** Follows the connection's disconnects and reconnects (nats.js reports both). */
  private async watchConnection(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === Events.Disconnect && !this.reconnected) {
        let resolve!: () => void;
        const promise = new Promise<void>((done) => (resolve = done));
        this.reconnected = { promise, resolve };
      } else if (status.type === Events.Reconnect && this.reconnected) {
        this.reconnected.resolve();
        this.reconnected = undefined;
      }
    }
    // Closed: whoever waits fails at its deadline as "bus unavailable".
  }

  /** Waits (at most `timeoutMs`) for the connection to be back; answers the ms waited, throws when it is not back. */
  private async waitForConnection(timeoutMs: number): Promise<number> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const back = await Promise.race([
      this.reconnected?.promise.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!back) throw new TransportFailure('closed');
    return Date.now() - started;
  }

  private call(subject: string, payload: Uint8Array, headers: MsgHdrs, timeoutMs: number): Promise<Msg> {
    const inbox = this.inbox ?? this.listen();
    const token = String((this.sequence = (this.sequence + 1) % Number.MAX_SAFE_INTEGER));
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new TransportFailure('timeout'));
      }, timeoutMs);
      this.pending.set(token, { resolve, reject, timer });
      try {
        this.connection.publish(subject, payload, { reply: `${inbox}.${token}`, headers });
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(token);
        reject(error);
      }
    });
  }

  /** Subscribes the reply inbox on first use; a closed connection fails whatever is still waiting. */
  private listen(): string {
    const inbox = createInbox(`${this.subjectPrefix}_INBOX`);
    const tokenStart = inbox.length + 1;
    this.connection.subscribe(`${inbox}.*`, {
      callback: (error, message) => {
        if (error) return;
        const call = this.pending.get(message.subject.slice(tokenStart));
        if (!call) return;
        this.pending.delete(message.subject.slice(tokenStart));
        clearTimeout(call.timer);
        // The server's answer when nothing subscribes to the subject: an empty 503 status message.
        if (message.data.length === 0 && message.headers?.hasError && message.headers.code === 503) {
          call.reject(new TransportFailure('no-responders'));
        } else {
          call.resolve(message);
        }
      },
    });
    void this.connection.closed().then(() => {
      for (const [token, call] of this.pending) {
        this.pending.delete(token);
        clearTimeout(call.timer);
        call.reject(new TransportFailure('closed'));
      }
    });
    this.inbox = inbox;
    return inbox;
  }
}

function transportError(error: unknown, subject: string, timeoutMs: number): DomainError {
  const kind = error instanceof TransportFailure ? error.kind : undefined;
  const service = subject.split('.')[1] ?? 'unknown';
  if (kind === 'timeout') {
    return new DomainError(ErrorCode.UpstreamTimeout, `The ${service} service did not answer in time`, {
      service,
      timeoutMs,
    });
  }
  if (kind === 'no-responders') {
    return new DomainError(ErrorCode.ServiceUnavailable, `The ${service} service is not available`, { service });
  }
  return new DomainError(ErrorCode.ServiceUnavailable, 'Message bus unavailable', { service });
}
