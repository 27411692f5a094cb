import { FastifyRequest } from 'fastify';
import { FileReply } from '@quire/contracts';

/** A file on the wire: the service's reply with `fullpath`, the signed view link on this host. */
export type WireFile = Omit<FileReply, 'viewQuery'> & { fullpath: string };

/**
 * The link points at the host the client called (behind proxies: see TRUST_PROXY_HOPS, which
 * makes Fastify honour X-Forwarded-Proto / -Host).
 */
export function toWireFile(reply: FileReply, request: FastifyRequest): WireFile {
  const { viewQuery, ...file } = reply;
  return { ...file, fullpath: `${request.protocol}://${request.host}/files/view/${encodeURIComponent(reply.id)}?${viewQuery}` };
}
