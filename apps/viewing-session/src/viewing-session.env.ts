import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { BooleanEnv, IntEnv, ServiceEnv } from '@quire/platform';

const MiB = 1024 * 1024;

/** Settings of the viewing-session service (see README, "Configuration"). */
export class ViewingSessionEnv extends ServiceEnv {
  /** How long a viewing session (its id is the viewer's credential) lives after it was created. */
  @IntEnv({ min: 60, max: 7 * 24 * 3600 })
  VIEWING_SESSION_TTL_SECONDS: number = 4 * 3600;

  /** The largest SourceFile accepted by PUT …/SourceFile (streamed, never buffered). */
  @IntEnv({ min: 1 })
  VIEWING_MAX_SOURCE_BYTES: number = 200 * MiB;

  /** How long a page call waits for its page before answering 480 with Retry-After. */
  @IntEnv({ min: 0, max: 60_000 })
  VIEWING_PAGE_WAIT_MS: number = 5000;

  /** Every how many seconds expired sessions (and their uploaded files) are removed. */
  @IntEnv({ min: 1 })
  VIEWING_SWEEP_INTERVAL_SECONDS: number = 60;

  /** Lifetime of the viewing package a `document` source with `documentId` (caching) starts. */
  @IntEnv({ min: 60 })
  VIEWING_PACKAGE_LIFETIME_SECONDS: number = 30 * 24 * 3600;

  /**
   * A document-repository `version_added` event makes (or refreshes) the viewing package
   * `docrepo.<documentId>` of that document (README "Configuration", ADR 013). Off: the event
   * stream is deleted.
   */
  @BooleanEnv()
  @IsBoolean()
  VIEWING_PACKAGE_ON_VERSION_ADDED: boolean = false;

  /** Deliveries of one `version_added` event before it is given up (logged). */
  @IntEnv({ min: 1, max: 100 })
  VIEWING_PACKAGE_TRIGGER_MAX_DELIVERIES: number = 5;

  /** Whether Office documents can be converted (LibreOffice installed): comparison needs it. */
  @BooleanEnv()
  @IsBoolean()
  VIEWING_OFFICE_CONVERTER_ENABLED: boolean = true;

  /** LibreOffice workers of this replica; 0 = one per core. */
  @IntEnv({ min: 0, max: 32 })
  VIEWING_POOL_SIZE: number = 0;

  /** Restart a LibreOffice worker after this many conversions. */
  @IntEnv({ min: 1 })
  VIEWING_POOL_MAX_CONVERSIONS: number = 200;

  /** Restart a LibreOffice worker whose process tree RSS grew past this (MiB); 0 = never. */
  @IntEnv({ min: 0 })
  VIEWING_POOL_MAX_RSS_MB: number = 1024;

  /** A conversion (and a render) taking longer is killed. */
  @IntEnv({ min: 1000 })
  VIEWING_CONVERSION_TIMEOUT_MS: number = 120_000;

  /** Sources from this size (bytes) go to the `large` conversion queue. */
  @IntEnv({ min: 1 })
  VIEWING_LARGE_SOURCE_BYTES: number = 2 * 1024 * 1024;

  /** Jobs queued or converting per size class; one more answers 429 with Retry-After. */
  @IntEnv({ min: 1 })
  VIEWING_MAX_QUEUED: number = 200;

  /** The Retry-After of that 429. */
  @IntEnv({ min: 1, max: 3600 })
  VIEWING_QUEUE_FULL_RETRY_AFTER_SECONDS: number = 5;

  /** A job not acked within this time (worker died) is delivered again. */
  @IntEnv({ min: 1000 })
  VIEWING_JOB_ACK_WAIT_MS: number = 150_000;

  /** Deliveries of one job before its rendition is marked as failed. */
  @IntEnv({ min: 1 })
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
  @IntEnv({ min: 1 })
  VIEWING_RENDITION_TTL_HOURS: number = 24 * 7;

  /** Pages read from each document per comparison window, in one text call (ADR 020). */
  @IntEnv({ min: 1, max: 100 })
  VIEWING_COMPARISON_WINDOW_PAGES: number = 4;

  /** An unchanged run of this many words is where a comparison window may be cut. */
  @IntEnv({ min: 1, max: 100 })
  VIEWING_COMPARISON_ANCHOR_WORDS: number = 4;

  /** Words carried without an anchor before a window is finalized anyway (bounds memory and diff time). */
  @IntEnv({ min: 100 })
  VIEWING_COMPARISON_MAX_CARRY_WORDS: number = 5000;

  /** A replica computing a comparison renews its lease; one that died is replaced after this. */
  @IntEnv({ min: 5, max: 3600 })
  VIEWING_COMPARISON_LEASE_SECONDS: number = 30;

  /** revisionData `limit` when none is given. */
  @IntEnv({ min: 1, max: 10_000 })
  VIEWING_REVISION_DATA_DEFAULT_LIMIT: number = 100;

  /** The largest revisionData `limit` accepted (more is 480 InvalidInput at `limit`). */
  @IntEnv({ min: 1, max: 10_000 })
  VIEWING_REVISION_DATA_MAX_LIMIT: number = 1000;
}
