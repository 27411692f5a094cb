import { IsInt, Max, Min } from 'class-validator';
import { ServiceEnv } from '@quire/platform';

const MiB = 1024 * 1024;

/** Settings of the document-repository service (see README, "Configuration"). */
export class DocumentRepositoryEnv extends ServiceEnv {
  /** Largest document (one version) accepted by `POST …/documents` and `…/replace`. */
  @IsInt()
  @Min(1)
  @Max(5 * 1024 * MiB)
  DOCREPO_MAX_UPLOAD_BYTES: number = 200 * MiB;

  /** How often the outbox sweep publishes events a crash left behind. */
  @IsInt()
  @Min(100)
  DOCREPO_OUTBOX_SWEEP_MS: number = 2000;

  /** How long an upload's reservation stays open; after it the sweeper deletes what was written. */
  @IsInt()
  @Min(60)
  UPLOAD_RESERVATION_TTL_SECONDS: number = 3600;

  /** How often expired upload reservations are swept (each replica; SKIP LOCKED). */
  @IsInt()
  @Min(1)
  UPLOAD_RESERVATION_SWEEP_INTERVAL_SECONDS: number = 60;
}
