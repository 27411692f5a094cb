import { IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';

/**
 * A file the gateway streamed to object storage under `staging/<uuid>`, waiting for the owning
 * service's `...commit` (DESIGN.md "Big payloads never cross NATS"). The gateway measured the
 * size and sha256 itself; the declared content type is the client's and not trusted.
 */
export interface StagedUpload {
  field: string;
  key: string;
  size: number;
  /** Hex sha256 of the bytes as received. */
  sha256: string;
  fileName: string;
  /** The part's Content-Type as the client sent it (not trusted). */
  declaredContentType: string;
  /** The type the first bytes show, when known (see the gateway's file-signatures). */
  detectedType?: string;
}

/** The same, validated where a service receives it in a commit request. */
export class StagedUploadDto implements StagedUpload {
  @IsString()
  @MaxLength(100)
  field: string;

  @Matches(/^staging\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  key: string;

  @IsInt()
  @Min(0)
  size: number;

  @Matches(/^[0-9a-f]{64}$/)
  sha256: string;

  @IsString()
  @MaxLength(500)
  fileName: string;

  @IsString()
  @MaxLength(200)
  declaredContentType: string;

  @IsOptional()
  @IsString()
  detectedType?: string;
}
