import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@quire/errors';
import { Renditions } from '../renditions/renditions.api';

/**
 * Stands in for viewing-render's `RenditionsModule` until it is merged: every rendition call is a
 * 503 (retry later), never a fake page. Replace the provider line in viewing-session.module.ts by
 * the RenditionsModule import.
 */
@Injectable()
export class UnavailableRenditions extends Renditions {
  private fail(): never {
    throw new DomainError(ErrorCode.ServiceUnavailable, 'Rendering is not available on this server yet', { retryAfterSeconds: 30 });
  }
  start(): never {
    return this.fail();
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
