import { IsIn, IsInt, Max, Min } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ReservationCommit } from '../uploads/upload-reservation.dto';
import { MAX_ID } from './reports.dto';
import { StrictInt } from '../numbers';

/** The agent's multipart field names (word-edit spec "Uploading Files"). */
export const AgentUploadFields = { word: 'word_file', pdf: 'pdf_file' } as const;

/** The agent save's commit: the reservation the preflight answered and the two files written to it. */
export class CommitVersionRequest extends ReservationCommit {
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  edit_id: number;
}

/** `POST /agent/{edit_id}` answer (spec), plus the version so the agent says "saved" only with its id. */
export class CommitVersionReply {
  @ApiProperty({ example: 'Files uploaded and linked successfully' }) message: string;
  @ApiProperty({ example: 's3://bucket/reports/…/v3.docx' }) word_s3_path: string;
  @ApiProperty({ example: 's3://bucket/reports/…/v3.pdf' }) pdf_s3_path: string;
  @ApiProperty() version_id: number;
  @ApiProperty() version_number: number;
  @ApiProperty({ description: 'false when the same pair as the latest version was sent again (nothing new stored)' })
  created: boolean;
}

export class VersionReply {
  @ApiProperty() id: number;
  @ApiProperty() version_number: number;
  @ApiProperty() edit_id: number;
  @ApiProperty() word_s3_path: string;
  @ApiProperty() pdf_s3_path: string;
  @ApiProperty() word_size: number;
  @ApiProperty() pdf_size: number;
  @ApiProperty() word_sha256: string;
  @ApiProperty() pdf_sha256: string;
  @ApiProperty() uploaded_by: string;
  @ApiProperty() uploaded_by_name: string;
  @ApiProperty({ description: 'Epoch ms' }) created_at: number;
}

export const VersionFileKinds = ['docx', 'pdf'] as const;
export type VersionFileKind = (typeof VersionFileKinds)[number];

export class VersionFileRequest {
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  lab_report_id: number;

  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  version_id: number;

  @IsIn(VersionFileKinds)
  kind: VersionFileKind;
}

export interface VersionFileUrlReply {
  url: string;
  expires_in_seconds: number;
}

/** Data of the `files_uploaded` event. */
export interface FilesUploadedEvent {
  lab_report_id: number;
  edit_id: number;
  version_id: number;
  version_number: number;
  word_s3_path: string;
  pdf_s3_path: string;
  author_name: string;
}

/** Data of the session events (`session_created`, `session_ended`, `authorship_changed`). */
export interface SessionEvent {
  lab_report_id: number;
  edit_id: number;
  author_name: string;
  author_user_id: string;
  /** session_ended: `ended`, `expired`, `access_revoked` (author disabled); authorship_changed: the previous author. */
  reason?: 'ended' | 'expired' | 'access_revoked';
  previous_author_name?: string;
  previous_author_user_id?: string;
  updated_at: number;
}

/** Size limits of the word-edit spec ("File Upload Specifications"); the gateway and the service both enforce them. */
export const WordEditFileLimits = {
  maxDocxBytes: 50 * 1024 * 1024,
  maxPdfBytes: 100 * 1024 * 1024,
} as const;
