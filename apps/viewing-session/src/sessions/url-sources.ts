import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { SourceFileSlot } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { fetchOutbound, ObjectStorage, OutboundUrlPolicy } from '@quire/platform';
import type { SourceObject } from '../renditions/renditions.api';
import { ViewingSessionEnv } from '../viewing-session.env';
import { newSessionSourceKey } from './storage-keys';
import { viewingInputError } from './viewing-errors';

export interface UrlSourceRequest {
  url: string;
  headers?: Record<string, string>;
  acceptBadSslCertificate?: boolean;
}

/**
 * `url` sources: fetched through the shared outbound-URL guard (`fetchOutbound`, ADR 014) and
 * streamed into the session's own key (counted and hashed as it passes, never buffered). Refused
 * by the guard, or answered with anything but 2xx → 480 InvalidInput at the url field.
 */
@Injectable()
export class UrlSources {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly policy: OutboundUrlPolicy,
    private readonly env: ViewingSessionEnv,
  ) {}

  async fetch(sessionId: string, slot: SourceFileSlot, request: UrlSourceRequest, at: string): Promise<SourceObject> {
    const where = { in: 'body' as const, at };
    const response = await fetchOutbound(request.url, {
      policy: this.policy,
      headers: request.headers,
      acceptBadSslCertificate: request.acceptBadSslCertificate === true,
      limits: { maxBytes: Math.min(this.env.VIEWING_MAX_SOURCE_BYTES, this.policy.limits.maxBytes) },
      errorDetails: where,
    });
    if (response.status < 200 || response.status > 299) {
      response.body.destroy();
      throw viewingInputError('InvalidInput', `The URL answered ${response.status}`, where);
    }
    const contentType = String(response.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
    const key = newSessionSourceKey(sessionId, slot);
    const upload = this.storage.openUpload(key, { contentType });
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of response.body) {
        const bytes = chunk as Buffer;
        size += bytes.length;
        hash.update(bytes);
        await upload.write(bytes);
      }
      if (size === 0) throw viewingInputError('InvalidInput', 'The URL answered an empty document', where);
      await upload.finish();
    } catch (error) {
      response.body.destroy();
      await upload.abort().catch(() => undefined);
      await this.storage.deleteQuietly([key]);
      if (error instanceof DomainError) throw error;
      throw viewingInputError('InvalidInput', 'The URL could not be read', where);
    }
    const name = decodeURIComponent(new URL(response.finalUrl).pathname.split('/').filter(Boolean).at(-1) ?? '') || 'document';
    return { objectKey: key, sizeBytes: size, sha256: hash.digest('hex'), contentType, name };
  }
}
