import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Principal, ViewingSourceReply } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { RpcClient } from '@quire/platform';
import { parseFileName } from './file-name-scheme';
import { documentNotFound } from './viewing-errors';

/**
 * Finds the bytes a `document` source's fileName names, by asking the service that owns them
 * over NATS (with the caller's principal, so the owner scopes by its account). A name that
 * names nothing, in any form, is the same 404.
 */
@Injectable()
export class DocumentSources {
  constructor(private readonly rpc: RpcClient) {}

  async resolve(principal: Principal, fileName: string, at: string): Promise<ViewingSourceReply> {
    const reference = parseFileName(fileName);
    const notFound = documentNotFound(at);
    if (!reference) throw notFound;
    try {
      return await this.rpc.request<ViewingSourceReply>(
        reference.subject,
        { id: reference.id, ...(reference.version !== undefined ? { version: reference.version } : {}) },
        { requestId: `viewing-${randomUUID()}`, principal },
      );
    } catch (error) {
      if (error instanceof DomainError && (error.code === ErrorCode.NotFound || error.code === ErrorCode.ValidationFailed || error.code === ErrorCode.Forbidden)) {
        throw notFound;
      }
      throw error;
    }
  }
}
