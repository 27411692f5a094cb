import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { FILE_NAME_MAX_LENGTH, FileCategories, FileCategory, FileTargetType, FileTargetTypes, StrictInt, TARGET_ID_PATTERN } from '@quire/contracts';

export class FileIdParams {
  @IsUUID()
  id: string;
}

/** `GET /api_v3/files`: filters and page/per_page paging (1-based; per_page at most 200). */
export class ListFilesQuery {
  @IsOptional()
  @Matches(TARGET_ID_PATTERN)
  target_id?: string;

  @IsOptional()
  @IsIn(FileTargetTypes)
  target_type?: FileTargetType;

  @IsOptional()
  @IsIn(FileCategories)
  category?: FileCategory;

  /** Present (empty, 1 or true) includes shared documents; 0 / false does not. */
  @IsOptional()
  @IsIn(['', '1', 'true', '0', 'false'])
  include_shared?: string;

  /** `include_shared` as the service takes it. */
  get includeShared(): boolean {
    return this.include_shared !== undefined && this.include_shared !== '0' && this.include_shared !== 'false';
  }

  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(200)
  per_page?: number;
}

/** `POST /api_v3/files/:id`: only the name can change. */
export class RenameFileBody {
  @IsString()
  @MinLength(1)
  @MaxLength(FILE_NAME_MAX_LENGTH)
  name: string;
}

/** `POST /api_v3/files/:id/share`. */
export class ShareFileBody {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(TARGET_ID_PATTERN, { each: true })
  user_ids: string[];
}

/** `GET /files/view/:id`: the signed link's query. */
export class ViewFileQuery {
  @IsString()
  @MaxLength(200)
  auth_code: string;

  @IsString()
  @MaxLength(20)
  time: string;

  @IsOptional()
  @IsString()
  @MaxLength(20)
  size?: string;
}

export class ViewFileParams {
  @IsString()
  @MaxLength(100)
  id: string;
}
