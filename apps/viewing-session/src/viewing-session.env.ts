import { IsInt, Max, Min } from 'class-validator';
import { BooleanEnv, ServiceEnv } from '@quire/platform';
import { IsBoolean } from 'class-validator';

const MiB = 1024 * 1024;

/** Settings of the viewing-session service (see README, "Configuration"). */
export class ViewingSessionEnv extends ServiceEnv {
  /** How long a viewing session (its id is the viewer's credential) lives after it was created. */
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  VIEWING_SESSION_TTL_SECONDS: number = 4 * 3600;

  /** The largest SourceFile accepted by PUT …/SourceFile (streamed, never buffered). */
  @IsInt()
  @Min(1)
  VIEWING_MAX_SOURCE_BYTES: number = 200 * MiB;

  /** How long a page call waits for its page before answering 480 with Retry-After. */
  @IsInt()
  @Min(0)
  @Max(60_000)
  VIEWING_PAGE_WAIT_MS: number = 5000;

  /** Every how many seconds expired sessions (and their uploaded files) are removed. */
  @IsInt()
  @Min(1)
  VIEWING_SWEEP_INTERVAL_SECONDS: number = 60;

  /** Lifetime of the viewing package a `document` source with `documentId` (caching) starts. */
  @IsInt()
  @Min(60)
  VIEWING_PACKAGE_LIFETIME_SECONDS: number = 30 * 24 * 3600;

  /** Whether Office documents can be converted (LibreOffice installed): comparison needs it. */
  @BooleanEnv()
  @IsBoolean()
  VIEWING_OFFICE_CONVERTER_ENABLED: boolean = true;
}
