import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@quire/errors';
import { AccountScope } from '@quire/platform';
import { Renditions, SourceObject } from '../renditions/renditions.api';

/**
 * Stands in for viewing-render's `RenditionsModule` until it is merged: sessions can be created
 * (start names the rendition by the bytes' hash, as the real one is keyed), but every page call
 * is a 503 with Retry-After, never a fake page. Replace the provider line in
 * viewing-session.module.ts by the RenditionsModule import.
 */
@Injectable()
export class UnavailableRenditions extends Renditions {
  private fail(): never {
    throw new DomainError(ErrorCode.ServiceUnavailable, 'Rendering is not available on this server yet', { retryAfterSeconds: 30 });
  }
  async start(_scope: AccountScope, source: SourceObject): Promise<{ renditionId: string }> {
    return { renditionId: `pending-${source.sha256 ?? createHash('sha256').update(source.objectKey).digest('hex')}` };
  }
  documentAttributes(): never {
    return this.fail();
  }
  pageAttributes(): never {
    return this.fail();
  }
  pageImage(): never {
    return this.fail();
  }
  text(): never {
    return this.fail();
  }
}
