import 'reflect-metadata';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ViewingSessionIdRequest } from './sessions.dto';

/** `GET /pas/v2/viewingSessions/{id}/revisionData?limit=&continueToken=` (a viewer call, by session id). */
export class RevisionDataRequest extends ViewingSessionIdRequest {
  /** Bounded by the service's settings (VIEWING_REVISION_DATA_MAX_LIMIT); absent: its default. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  limit?: number;

  /** Opaque; answered by the previous call. */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  continueToken?: string;
}

export const RevisionTypes = ['insertion', 'deletion', 'replacement'] as const;
export type RevisionType = (typeof RevisionTypes)[number];

/** A box in page coordinates: 96-dpi pixels from the page's top-left, as `Page/q/{n}/Attributes`. */
export interface RevisionRectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where a revision is on one side. The side that has no text of it (the revised side of a
 * deletion, the original side of an insertion) is a zero-width caret where the text would be;
 * null only when that document has no words to place it by.
 */
export interface RevisionLocation {
  pageIndex: number;
  rectangles: RevisionRectangle[];
}

export interface Revision {
  type: RevisionType;
  originalText: string;
  revisedText: string;
  original: RevisionLocation | null;
  revised: RevisionLocation | null;
}

export interface RevisionDataReply {
  revisions: Revision[];
  /** Present while more revisions may follow (more are stored, or the comparison is still running). */
  continueToken?: string;
}
