import 'reflect-metadata';
import { IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { NestedObject } from '../nested-object';

export const ViewingSourceTypes = ['document', 'url', 'upload', 'viewingPackage', 'comparison'] as const;
export type ViewingSourceType = (typeof ViewingSourceTypes)[number];
/** What `original` / `revised` of a comparison may be. */
export const ComparisonPartTypes = ['document', 'url', 'upload'] as const;
export type ComparisonPartType = (typeof ComparisonPartTypes)[number];

export const VIEWING_SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;
export const VIEWING_DOCUMENT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * A field of a polymorphic source: validated when the source's `type` is one of `required` (and
 * then required) or when it is present at all; present with another type → "not allowed", so the
 * error names the field itself (`source.url`), as PrizmDoc's `errorDetails.at` does.
 */
function SourceField(allowed: readonly string[], required: readonly string[] = []): PropertyDecorator {
  return (target, property) => {
    const name = String(property);
    ValidateIf((o: Record<string, unknown>) => required.includes(String(o['type'])) || o[name] !== undefined)(target, property);
    if (required.length) IsDefined({ message: `${name} is required for this source type` })(target, property);
    registerDecorator({
      name: 'sourceFieldAllowed',
      target: target.constructor,
      propertyName: name,
      validator: {
        validate: (_value: unknown, args: ValidationArguments) => allowed.includes(String((args.object as Record<string, unknown>)['type'])),
        defaultMessage: (args: ValidationArguments) =>
          `${name} is not allowed when type is "${String((args.object as Record<string, unknown>)['type'])}"`,
      },
    });
  };
}

/** Every value of an object is a string (the `headers` of a url source). */
function StringValues(maxEntries: number): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'stringValues',
      target: target.constructor,
      propertyName: String(property),
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= maxEntries &&
          Object.entries(value).every(([k, v]) => /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/.test(k) && typeof v === 'string' && v.length <= 4096 && !/[\r\n]/.test(v)),
        defaultMessage: () => `must map header names to single-line strings (at most ${maxEntries})`,
      },
    });
}

/** Fields every kind of single document may carry (top-level source, or a comparison part). */
abstract class DocumentFields {
  /** `document`: names a document of the caller's account (scheme in README "fileName"). */
  @SourceField(['document'], ['document'])
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  fileName?: string;

  @SourceField(['url'], ['url'])
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url?: string;

  @SourceField(['url'])
  @IsObject()
  @StringValues(32)
  headers?: Record<string, string>;

  @SourceField(['url'])
  @IsBoolean()
  acceptBadSslCertificate?: boolean;

  @SourceField(['upload'])
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  displayName?: string;

  @SourceField(['upload', 'document', 'url'])
  @IsString()
  @MaxLength(256)
  markupId?: string;
}

/** `original` / `revised` of a comparison. */
export class ComparisonPartBody extends DocumentFields {
  @IsIn(ComparisonPartTypes)
  type: ComparisonPartType;
}

export class ViewingSourceBody extends DocumentFields {
  @IsIn(ViewingSourceTypes)
  type: ViewingSourceType;

  /**
   * `viewingPackage`: the package to view. `document`: caching (a package is made for it).
   * Accepted with `comparison` only to refuse it by name (InputNotSupportedWithDocumentId).
   */
  @SourceField(['document', 'viewingPackage', 'comparison'], ['viewingPackage'])
  @IsString()
  @Matches(VIEWING_DOCUMENT_ID_PATTERN, { message: 'documentId must be 1-128 letters, digits, ".", "_" or "-"' })
  documentId?: string;

  @SourceField(['comparison'], ['comparison'])
  @NestedObject()
  @Type(() => ComparisonPartBody)
  original?: ComparisonPartBody;

  @SourceField(['comparison'], ['comparison'])
  @NestedObject()
  @Type(() => ComparisonPartBody)
  revised?: ComparisonPartBody;
}

export const WatermarkAligns = { vertical: ['top', 'center', 'middle', 'bottom'], horizontal: ['left', 'center', 'right'] } as const;

/** A text watermark (PrizmDoc's `watermarks[]`), stamped on every image that leaves the session. */
export class WatermarkBody {
  @IsIn(['text'])
  type: 'text';

  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  text: string;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  opacity?: number;

  /** A CSS colour name or #rgb / #rrggbb. */
  @IsOptional()
  @Matches(/^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{3,20})$/, { message: 'color must be a colour name or #rgb / #rrggbb' })
  color?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9 _-]{1,64}$/, { message: 'fontFamily must be a font name' })
  fontFamily?: string;

  /** `16pt`, `12px` or a bare number of points. */
  @IsOptional()
  @Matches(/^\d{1,3}(\.\d{1,2})?(pt|px)?$/, { message: 'fontSize must look like 16pt or 12px' })
  fontSize?: string;

  @IsOptional()
  @IsIn(['normal', 'bold', 'lighter', 'bolder', '100', '200', '300', '400', '500', '600', '700', '800', '900'])
  fontWeight?: string;

  @IsOptional()
  @IsIn(WatermarkAligns.vertical)
  verticalAlign?: (typeof WatermarkAligns.vertical)[number];

  @IsOptional()
  @IsIn(WatermarkAligns.horizontal)
  horizontalAlign?: (typeof WatermarkAligns.horizontal)[number];
}

export class Html5RenderBody {
  @IsOptional()
  @IsBoolean()
  alwaysUseRaster?: boolean;
}

export class RenderBody {
  @IsOptional()
  @NestedObject()
  @Type(() => Html5RenderBody)
  html5?: Html5RenderBody;
}

/** `POST /pas/ViewingSession` (viewing spec). */
export class CreateViewingSessionBody {
  @IsDefined()
  @NestedObject()
  @Type(() => ViewingSourceBody)
  source: ViewingSourceBody;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => WatermarkBody)
  watermarks?: WatermarkBody[];

  @IsOptional()
  @NestedObject()
  @Type(() => RenderBody)
  render?: RenderBody;
}

export interface ViewingSessionCreatedReply {
  viewingSessionId: string;
}

export class ViewingSessionIdRequest {
  @Matches(VIEWING_SESSION_ID_PATTERN, { message: 'viewingSessionId is not a viewing session id' })
  viewingSessionId: string;
}

export const SourceFileSlots = ['single', 'original', 'revised'] as const;
export type SourceFileSlot = (typeof SourceFileSlots)[number];

export class ReserveSourceFileRequest extends ViewingSessionIdRequest {
  @IsIn(SourceFileSlots)
  slot: SourceFileSlot;
}

export interface ReserveSourceFileReply {
  objectKey: string;
  maxBytes: number;
}

/** What the gateway streamed into a reserved SourceFile key (session and package uploads alike). */
export class StreamedSourceFile {
  /** The key the reservation answered. */
  @IsString()
  @MaxLength(512)
  objectKey: string;

  @IsNumber()
  @Min(0)
  sizeBytes: number;

  @Matches(/^[0-9a-f]{64}$/)
  sha256: string;

  @IsString()
  @MaxLength(255)
  contentType: string;

  /** Hex of the first bytes, for the comparison format check (doc / docx only). */
  @IsString()
  @MaxLength(64)
  headHex: string;
}

export class CommitSourceFileRequest extends IntersectionType(ReserveSourceFileRequest, StreamedSourceFile) {}

export interface SourceFileLocation {
  objectKey: string;
  sizeBytes: number;
  contentType: string;
  name: string;
}

/** Which document of a comparison session a viewer call reads (`side=`; default revised). */
export const ComparisonSides = ['original', 'revised'] as const;
export type ComparisonSide = (typeof ComparisonSides)[number];

export class ViewerRequest extends ViewingSessionIdRequest {
  /** Comparison sessions only for `original` (a single-document session answers 480 at `side`). */
  @IsOptional()
  @IsIn(ComparisonSides)
  side?: ComparisonSide;
}

export class DocumentAttributesRequest extends ViewerRequest {
  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(100)
  desiredConfidence?: number;
}

export class PageRequest extends ViewerRequest {
  @IsNumber()
  @Min(0)
  @Max(100_000)
  page: number;
}

export const PageContentTypes = ['png', 'jpeg', 'svg'] as const;
export type PageContentType = (typeof PageContentTypes)[number];

export class PageImageRequest extends PageRequest {
  @IsIn(PageContentTypes)
  contentType: PageContentType;

  @IsOptional()
  @IsNumber()
  @Min(0.05)
  @Max(8)
  scale?: number;

  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(2000)
  thumbnailWidth?: number;

  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(2000)
  thumbnailHeight?: number;
}

export interface PageImageReply {
  objectKey: string;
  contentType: string;
  etag: string;
}

/** `GET /pas/quire/viewerSession`: what the browser viewer lays itself out by. */
export interface ViewerSessionReply {
  viewingSessionId: string;
  /** `comparison`: two documents (pages with `side=original|revised`, changes from revisionData). */
  kind: 'single' | 'comparison';
  /** ISO-8601, UTC. */
  expiresAt: string;
}

export class TextRequest extends ViewerRequest {
  @IsNumber()
  @Min(0)
  begin: number;

  @IsNumber()
  @Min(0)
  end: number;
}

/** `Accusoft-Secret` as the gateway received it. */
export class ResolveSecretRequest {
  @IsString()
  @MaxLength(256)
  secret: string;
}

export class NoBody {}

export interface ViewingSecretCreated {
  /** Shown once; only its hash is stored. */
  secret: string;
  secretId: string;
  createdAt: string;
}

export interface ViewingSecretStatus {
  secretId: string | null;
  createdAt: string | null;
}
