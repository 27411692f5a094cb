import { Injectable } from '@nestjs/common';
import type { SourceFileSlot } from '@quire/contracts';
import type { SourceObject } from '../renditions/renditions.api';
import { viewingInputError } from './viewing-errors';

export interface UrlSourceRequest {
  url: string;
  headers?: Record<string, string>;
  acceptBadSslCertificate?: boolean;
}

/**
 * `url` sources: fetched through the shared outbound-URL guard (libs/platform `fetchOutbound`)
 * into the session's own key. Until that guard is on this branch, every url is refused as
 * InvalidInput at `source.url` — never fetched unguarded.
 */
@Injectable()
export class UrlSources {
  async fetch(_sessionId: string, _slot: SourceFileSlot, _request: UrlSourceRequest, at: string): Promise<SourceObject> {
    throw viewingInputError('InvalidInput', 'URL sources are not enabled on this server yet', { in: 'body', at });
  }
}
