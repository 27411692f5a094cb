import { randomUUID } from 'node:crypto';
import { ErrorCode as NatsErrorCode, headers as natsHeaders, JSONCodec, NatsConnection, NatsError } from 'nats';
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

/**
 * Request / reply over NATS in the packet format Nest's NATS transport speaks, with a timeout on
 * every call. It tells the two failures apart: no responders (nothing listens: safe to retry) is a
 * 503, a timeout (the service may still be working) is a 504.
 */
export class RpcClient {
  constructor(
    private readonly connection: NatsConnection,
    private readonly defaultTimeoutMs: number,
    private readonly subjectPrefix = '',
  ) {}

  async request<TReply>(subject: string, data: unknown, context: RpcCallContext): Promise<TReply> {
    const headers = natsHeaders();
    headers.set(RpcHeaders.requestId, context.requestId);
    if (context.principal) headers.set(RpcHeaders.principal, JSON.stringify(context.principal));
    const timeout = context.timeoutMs ?? this.defaultTimeoutMs;
    let reply: NestReplyPacket;
    try {
      const message = await this.connection.request(`${this.subjectPrefix}${subject}`, codec.encode({ pattern: subject, data, id: randomUUID() }), {
        timeout,
        headers,
      });
      reply = codec.decode(message.data) as NestReplyPacket;
    } catch (error) {
      throw transportError(error, subject, timeout);
    }
    if (reply.err !== undefined && reply.err !== null) throw DomainError.fromRpc(reply.err);
    return reply.response as TReply;
  }
}

function transportError(error: unknown, subject: string, timeoutMs: number): DomainError {
  const code = error instanceof NatsError ? error.code : undefined;
  const service = subject.split('.')[1] ?? 'unknown';
  if (code === NatsErrorCode.Timeout) {
    return new DomainError(ErrorCode.UpstreamTimeout, `The ${service} service did not answer in time`, {
      service,
      timeoutMs,
    });
  }
  if (code === NatsErrorCode.NoResponders) {
    return new DomainError(ErrorCode.ServiceUnavailable, `The ${service} service is not available`, { service });
  }
  return new DomainError(ErrorCode.ServiceUnavailable, 'Message bus unavailable', { service });
}
