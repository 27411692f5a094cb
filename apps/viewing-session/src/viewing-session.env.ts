import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ServiceEnv } from '@quire/platform';

/** Settings of the viewing-session service (see README, "Configuration"). */
export class ViewingSessionEnv extends ServiceEnv {
  /** LibreOffice workers of this replica; 0 = one per core. */
  @IsInt()
  @Min(0)
  @Max(32)
  VIEWING_POOL_SIZE: number = 0;

  /** Restart a LibreOffice worker after this many conversions. */
  @IsInt()
  @Min(1)
  VIEWING_POOL_MAX_CONVERSIONS: number = 200;

  /** Restart a LibreOffice worker whose process tree RSS grew past this (MiB); 0 = never. */
  @IsInt()
  @Min(0)
  VIEWING_POOL_MAX_RSS_MB: number = 1024;

  /** A conversion (and a render) taking longer is killed. */
  @IsInt()
  @Min(1000)
  VIEWING_CONVERSION_TIMEOUT_MS: number = 120_000;

  /** Sources from this size (bytes) go to the `large` conversion queue. */
  @IsInt()
  @Min(1)
  VIEWING_LARGE_SOURCE_BYTES: number = 2 * 1024 * 1024;

  /** Jobs waiting per size class; one more answers 429 with Retry-After. */
  @IsInt()
  @Min(1)
  VIEWING_MAX_QUEUED: number = 200;

  /** A job not acked within this time (worker died) is delivered again. */
  @IsInt()
  @Min(1000)
  VIEWING_JOB_ACK_WAIT_MS: number = 150_000;

  /** Deliveries of one job before its rendition is marked as failed. */
  @IsInt()
  @Min(1)
  VIEWING_JOB_MAX_DELIVERIES: number = 3;

  /** Path of soffice; empty: looked up on PATH (none → Office formats are FeatureDisabled). */
  @IsOptional()
  @IsString()
  VIEWING_SOFFICE_PATH?: string;

  /** PATH of the converter / poppler children, and where soffice is looked up. */
  @IsString()
  VIEWING_BIN_PATH: string = '/usr/local/bin:/usr/bin:/bin';

  /** A Python with LibreOffice's `uno` module. */
  @IsString()
  VIEWING_PYTHON_PATH: string = '/usr/bin/python3';

  /** Local work folder (profiles, PDFs being rendered). */
  @IsString()
  VIEWING_WORK_DIR: string = '/tmp/quire-viewing';

  /** Renditions not used for this many hours are swept. */
  @IsInt()
  @Min(1)
  VIEWING_RENDITION_TTL_HOURS: number = 24 * 7;
}
