import { IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';

/**
 * A file the gateway streamed to object storage, as it measured it (DESIGN.md "Big payloads never
 * cross NATS"): the key it wrote (a reserved key), the byte count and sha256 of the bytes as received, and what the first bytes show. The declared
 * content type and the name are the client's and not trusted. One class, validated where a
 * service receives it in a commit request.
 */
export class ReceivedFile {
  /** The multipart field it came in. */
  @IsString()
  @MaxLength(100)
  field: string;

  /** Object key; a service accepts only keys it reserved. */
  @IsString()
  @MaxLength(1024)
  @Matches(/^[A-Za-z0-9_./-]+$/)
  key: string;

  @IsInt()
  @Min(0)
  size: number;

  /** Hex sha256 of the bytes as received. */
  @Matches(/^[0-9a-f]{64}$/)
  sha256: string;

  @IsString()
  @MaxLength(1024)
  fileName: string;

  /** The part's Content-Type as the client sent it (not trusted). */
  @IsString()
  @MaxLength(200)
  declaredContentType: string;

  /** What the first bytes show (`application/pdf`, `application/zip`, `text/plain`, ...), when known. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  detectedContentType?: string;
}
