import 'reflect-metadata';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/**
 * Asks a document-owning service for the bytes of one of its documents, in the caller's account.
 * `id` is the owner's own id; `version` a version number where the owner has versions (absent:
 * the current one). Unknown, of another account, or without that version → NOT_FOUND.
 */
export class ResolveViewingSourceRequest {
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9_-]+$/)
  id: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;
}

/** Where the document's bytes are: an object in the shared bucket, never the bytes themselves. */
export interface ViewingSourceReply {
  objectKey: string;
  sizeBytes: number;
  sha256?: string;
  contentType: string;
  name: string;
}
