import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ReceivedFile } from '../uploads/received-file.dto';

/** Numeric ids on the wire (the spec's `lab_report_id`, `edit_id`, `template_id`): bigint identities. */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

export class CreateLabReportRequest {
  @ApiProperty({ example: 'CBC — patient 1042', maxLength: 300 })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title: string;
}

export class ListRequest {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Only rows with a smaller id (paging, newest first)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  before_id?: number;
}

export class LabReportReply {
  @ApiProperty() id: number;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'Epoch ms' }) created_at: number;
  @ApiProperty({ description: 'Epoch ms' }) updated_at: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Newest version id, if any' }) latest_version_id: number | null;
}

export class CreateTemplateRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name: string;

  @ValidateNested()
  @Type(() => ReceivedFile)
  file: ReceivedFile;
}

export class TemplateReply {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ example: 's3://quire/templates/…/….docx' }) word_s3_filepath: string;
  @ApiProperty() size: number;
  @ApiProperty() sha256: string;
  @ApiProperty({ description: 'Epoch ms' }) created_at: number;
}
