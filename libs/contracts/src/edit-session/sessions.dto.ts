import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { MAX_ID } from './reports.dto';
import { StrictInt } from '../numbers';

export class LabReportIdRequest {
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  lab_report_id: number;
}

export class EditIdRequest {
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  edit_id: number;
}

/** Body of `POST /{lab_report_id}` (word-edit spec). */
export class StartSessionBody {
  @ApiProperty({ example: 456 })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  template_id: number;

  @ApiProperty({ example: 's3://quire/templates/acct/456/template.docx', description: "One of this account's objects: the template's or a version's .docx" })
  @IsString()
  @MaxLength(1024)
  @Matches(/^s3:\/\/[^/\s]+\/\S+$/)
  word_s3_filepath: string;
}

export class StartSessionRequest extends StartSessionBody {
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  lab_report_id: number;
}

/** `GET /{lab_report_id}`: the active session. */
export class ActiveSessionReply {
  @ApiProperty({ example: 123 }) id: number;
  @ApiProperty({ nullable: true, type: String, example: 's3://bucket/reports/…/v3.docx', description: 'Latest version .docx (the template when none yet)' })
  word_file_path: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Latest version .pdf; null before the first upload' })
  pdf_file_path: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The session's JWT, only for its author" })
  auth_token: string | null;
  @ApiProperty({ example: 1 }) is_active: 1;
  @ApiProperty({ example: 'Dr. Smith' }) author_name: string;
  @ApiProperty({ example: 1640995200000, description: 'Epoch ms' }) updated_at: number;
  @ApiProperty({ description: 'Epoch ms when the session lapses unless ended or taken over' }) expires_at: number;
}

/** `POST /{lab_report_id}` and the takeover: what the browser needs to launch Word. */
export class StartedSessionReply {
  @ApiProperty({ example: 123 }) edit_id: number;
  @ApiProperty() auth_token: string;
  @ApiProperty({ description: 'Presigned GET URL (short expiry) of the .docx to open' }) template_path: string;
  @ApiProperty({ example: 'winword://<auth_token>^<edit_id>^<template_path>' }) launch_url: string;
  @ApiProperty({ description: 'Epoch ms' }) expires_at: number;
}

export class EndSessionReply {
  @ApiProperty({ example: 'Session has been inactivated' }) message: string;
}

/** Answer of the agent's keepalive (`POST /agent/{edit_id}/keepalive`): the lease now ends at `expires_at`. */
export class KeepAliveReply {
  @ApiProperty({ example: 123 })
  edit_id: number;

  @ApiProperty({ description: 'End of the renewed lease, epoch milliseconds', example: 1640995200000 })
  expires_at: number;
}
