import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ReservationCommit } from '../uploads/upload-reservation.dto';
import { StrictInt } from '../numbers';

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
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Only rows with a smaller id (paging, newest first)' })
  @IsOptional()
  @StrictInt()
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

/** The commit of a template upload: the reservation, the one .docx written to its key, the name. */
export class CreateTemplateRequest extends ReservationCommit {
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name: string;
}

export class TemplateReply {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ example: 's3://quire/templates/…/….docx' }) word_s3_filepath: string;
  @ApiProperty() size: number;
  @ApiProperty() sha256: string;
  @ApiProperty({ description: 'Epoch ms' }) created_at: number;
}
