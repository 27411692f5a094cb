import { DomainError, ErrorCode } from '@quire/errors';
import type { AccountScope } from '@quire/platform';

/**
 * The in-process API of renditions (conversion + rendering + cache), the seam between the
 * viewing-session routes (sessions, watermarks) and the rendering pipeline. Images never cross
 * NATS: every image method answers an S3 object key that the gateway streams.
 */

/** Source bytes already stored in S3 (under the viewing-session bucket). */
export interface SourceObject {
  objectKey: string;
  sizeBytes: number;
  /** Hex sha256 of the bytes; computed by `start` when absent. */
  sha256?: string;
  contentType?: string;
  /** Original file name; its extension helps to detect the format. */
  name?: string;
  /** The `fileName` a session named these bytes by (a viewing package compares it with later sessions). */
  fileName?: string;
}

export type ImageType = 'png' | 'jpeg' | 'svg';

/** A clean (never watermarked) page image stored in S3. */
export interface PageImage {
  objectKey: string;
  contentType: string;
  etag: string;
  width: number;
  height: number;
}

export interface TextWord {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PageText {
  page: number;
  width: number;
  height: number;
  words: TextWord[];
}

/** Thumbnail sizes the service renders (`{W}x{H}`); any other size is an input error (480). */
export const THUMBNAIL_SIZES: ReadonlyArray<{ width: number; height: number }> = [
  { width: 100, height: 100 },
  { width: 160, height: 160 },
  { width: 240, height: 240 },
  { width: 320, height: 320 },
];

export function isThumbnailSize(width: number, height: number): boolean {
  return THUMBNAIL_SIZES.some((s) => s.width === width && s.height === height);
}

/** Page image scale factors accepted (`Scale=`), relative to 96 dpi. */
export const MIN_SCALE = 0.25;
export const MAX_SCALE = 4;

/**
 * The rendition (or the asked page) is not ready within `waitMs`: 480 `NotReady` + `Retry-After`.
 */
export class RenditionNotReady extends DomainError {
  constructor(retryAfterSeconds: number, details: Record<string, unknown> = {}) {
    super(ErrorCode.Conflict, 'The document is not ready yet; retry later', {
      ...details,
      errorCode: 'NotReady',
      retryAfterSeconds,
    });
  }
}

/** The source's format cannot be viewed: 480 `UnsupportedFormat` (mapper: InvalidFileType → 480). */
export class UnsupportedFormat extends DomainError {
  constructor(format: string) {
    super(ErrorCode.InvalidFileType, `Documents of this format cannot be viewed: ${format}`, {
      errorCode: 'UnsupportedFormat',
      format,
    });
  }
}

/** An Office document but no converter (soffice) installed: 480 `FeatureDisabled`. */
export class ConverterUnavailable extends DomainError {
  constructor() {
    super(ErrorCode.BadRequest, 'No document converter is installed on this server', {
      errorCode: 'FeatureDisabled',
    });
  }
}

/** The conversion of this rendition failed for good (bad document, deliveries exhausted). */
export class RenditionFailed extends DomainError {
  constructor(reason: string) {
    super(ErrorCode.InvalidFileType, 'The document could not be converted', {
      errorCode: 'ConversionFailed',
      reason: reason.slice(0, 300),
    });
  }
}

export interface DocumentAttributesOptions {
  waitMs: number;
  /** ≤ 50 may answer an estimate before the whole PDF exists. */
  desiredConfidence?: number;
}

export interface PageImageOptions {
  contentType: ImageType;
  scale?: number;
  thumbnail?: { width: number; height: number };
  waitMs: number;
}

/** Injectable token + contract; the implementation lives in `renditions.service.ts`. */
export abstract class Renditions {
  /**
   * Starts (or finds) the rendition of these bytes. Idempotent per (account, sha256, render
   * options): a second start of the same bytes converts nothing.
   * Throws `UnsupportedFormat` (480) or `ConverterUnavailable` (480 FeatureDisabled).
   */
  abstract start(scope: AccountScope, source: SourceObject): Promise<{ renditionId: string }>;

  abstract documentAttributes(
    scope: AccountScope,
    renditionId: string,
    opts: DocumentAttributesOptions,
  ): Promise<{ pageCount: number; confidence: number }>;

  abstract pageAttributes(
    scope: AccountScope,
    renditionId: string,
    page: number,
    opts: { waitMs: number },
  ): Promise<{ width: number; height: number }>;

  abstract pageImage(scope: AccountScope, renditionId: string, page: number, opts: PageImageOptions): Promise<PageImage>;

  abstract text(
    scope: AccountScope,
    renditionId: string,
    begin: number,
    end: number,
    opts: { waitMs: number },
  ): Promise<PageText[]>;
}

/** Viewing packages: a rendition kept for a `documentId` until its lifetime ends. */
export interface ReadyPackage {
  renditionId: string;
  source: SourceObject;
  render: Record<string, unknown>;
}

export abstract class ViewingPackages {
  abstract findReady(scope: AccountScope, documentId: string): Promise<ReadyPackage | undefined>;

  abstract startForDocument(
    scope: AccountScope,
    documentId: string,
    source: SourceObject,
    lifetimeSeconds: number,
  ): Promise<{ processId: string }>;
}
