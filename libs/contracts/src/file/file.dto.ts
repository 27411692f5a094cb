import 'reflect-metadata';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { ReservationCommit, UploadReservation } from '../uploads/upload-reservation.dto';

export const FileCategories = ['intake_attachment', 'user_consent', 'user_avatar', 'user_document'] as const;
export type FileCategory = (typeof FileCategories)[number];

export const FileTargetTypes = ['user', 'visit', 'intake'] as const;
export type FileTargetType = (typeof FileTargetTypes)[number];

/** Target ids are foreign ids (users, visits, intakes): opaque strings of a sane shape. */
export const TARGET_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const FILE_NAME_MAX_LENGTH = 255;

export class FileIdRequest {
  @IsUUID()
  id: string;
}

export class FilePreflightRequest {}

/**
 * The file upload's reservation: one `file` part whose limit is the largest any category accepts
 * (the gateway streams under it while the category is not known yet), and each category's own
 * limit (the gateway applies it when `meta.category` came before the file; the commit always does).
 */
export class FileUploadReservation extends UploadReservation {
  maxBytesByCategory: Record<FileCategory, number>;
}

/** The upload's commit: the reservation, the one file written to it and the form fields. */
export class CommitFileRequest extends ReservationCommit {

  @IsIn(FileCategories)
  category: FileCategory;

  /** Both or neither; neither means the caller as a user. */
  @IsOptional()
  @Matches(TARGET_ID_PATTERN)
  targetId?: string;

  @IsOptional()
  @IsIn(FileTargetTypes)
  targetType?: FileTargetType;
}

export class ListFilesRequest {
  @IsOptional()
  @Matches(TARGET_ID_PATTERN)
  targetId?: string;

  @IsOptional()
  @IsIn(FileTargetTypes)
  targetType?: FileTargetType;

  @IsOptional()
  @IsIn(FileCategories)
  category?: FileCategory;

  @IsOptional()
  @IsBoolean()
  includeShared?: boolean;

  @IsInt()
  @Min(1)
  @Max(100_000)
  page: number = 1;

  @IsInt()
  @Min(1)
  @Max(200)
  perPage: number = 50;
}

export class RenameFileRequest extends FileIdRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(FILE_NAME_MAX_LENGTH)
  name: string;
}

export class ShareFileRequest extends FileIdRequest {
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(TARGET_ID_PATTERN, { each: true })
  userIds: string[];
}

export class ViewFileRequest {
  /** Not validated as a UUID here: a malformed id is answered like a bad signature (403). */
  @IsString()
  @MaxLength(100)
  id: string;

  @IsString()
  @MaxLength(200)
  authCode: string;

  @IsString()
  @MaxLength(20)
  time: string;

  @IsOptional()
  @IsString()
  @MaxLength(20)
  size?: string;

  /**
   * Sent by the gateway after the variant a first answer named was not in S3: render it now (the
   * link and the row are checked again; the view was logged by the first answer).
   */
  @IsOptional()
  @IsBoolean()
  render?: boolean;
}

/** A file as the file-upload family shows it, minus `fullpath` (the gateway adds the host). */
export interface FileReply {
  id: string;
  name: string;
  size: number;
  ext: string;
  meta: {
    category: FileCategory;
    target: { id: string; type: FileTargetType };
    account: { code: string };
    visible: boolean;
  };
  creator: { id: string; username: string; email: string | null; full_name: string | null };
  /** Epoch seconds. */
  created: number;
  modified: number;
  is_deletable: boolean;
  /** The signed view link's query (`auth_code=...&time=...`), valid for FILE_LINK_TTL_SECONDS. */
  viewQuery: string;
}

export interface FileListReply {
  items: FileReply[];
  page: number;
  perPage: number;
  total: number;
}

export interface FileShareReply {
  id: string;
  sharedWith: string[];
}

export interface FileDeleteReply {
  deleted: true;
}

/**
 * What the gateway serves for a view link: an object key and how to describe it. For the
 * original, `size` is the row's; for a variant the first answer names the key (`variant: true`,
 * no `size`), and, for a key the service has not stored lately, whether it is missing and being
 * rendered (`rendering`). The gateway reads the key, and when it is missing (or being rendered)
 * asks again with `render: true`: that answer comes once the PNG is stored, with its `size` (the
 * bytes themselves never cross NATS: DESIGN.md "Big payloads never cross NATS").
 */
export interface FileViewReply {
  key: string;
  fileName: string;
  contentType: string;
  size?: number;
  /** Strong validator of the bytes (content hash, plus the size for a variant). */
  etag: string;
  variant?: boolean;
  /** The variant is being rendered now: ask with `render: true` straight away (no S3 read first). */
  rendering?: boolean;
}
