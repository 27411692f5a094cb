import { AccountScope } from '@quire/platform';

/** Bytes already in S3. */
export interface SourceObject {
  objectKey: string;
  sizeBytes: number;
  sha256?: string;
  contentType?: string;
  name?: string;
}

export type ImageType = 'png' | 'jpeg' | 'svg';

export interface PageImage {
  objectKey: string;
  contentType: string;
  etag: string;
  width: number;
  height: number;
}

export interface TextPage {
  page: number;
  width: number;
  height: number;
  words: Array<{ text: string; x: number; y: number; width: number; height: number }>;
}

/**
 * Conversions and renditions (owned by viewing-render; this is the seam, see
 * /tmp/briefs/viewing-contract.md). Not ready within waitMs → RenditionNotReady, a DomainError
 * with details `{retryAfterSeconds}`.
 */
export abstract class Renditions {
  abstract start(scope: AccountScope, source: SourceObject): Promise<{ renditionId: string }>;
  abstract documentAttributes(
    scope: AccountScope,
    renditionId: string,
    opts: { waitMs: number; desiredConfidence?: number },
  ): Promise<{ pageCount: number; confidence: number }>;
  abstract pageAttributes(scope: AccountScope, renditionId: string, page: number, opts: { waitMs: number }): Promise<{ width: number; height: number }>;
  abstract pageImage(
    scope: AccountScope,
    renditionId: string,
    page: number,
    opts: { contentType: ImageType; scale?: number; thumbnail?: { width: number; height: number }; waitMs: number },
  ): Promise<PageImage>;
  abstract text(scope: AccountScope, renditionId: string, begin: number, end: number, opts: { waitMs: number }): Promise<TextPage[]>;
}

/** Viewing packages (viewing-render). */
export abstract class ViewingPackages {
  abstract findReady(
    scope: AccountScope,
    documentId: string,
  ): Promise<{ renditionId: string; source: Record<string, unknown>; render: Record<string, unknown> } | undefined>;
  abstract startForDocument(scope: AccountScope, documentId: string, source: SourceObject, lifetimeSeconds: number): Promise<{ processId: string }>;
}
