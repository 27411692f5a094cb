import { IntEnv, UploadReservationEnv } from '@quire/platform';

const MiB = 1024 * 1024;

/** Settings of the document-repository service (see README, "Configuration"). */
export class DocumentRepositoryEnv extends UploadReservationEnv {
  /** Largest document (one version) accepted by `POST …/documents` and `…/replace`. */
  @IntEnv({ min: 1, max: 5 * 1024 * MiB })
  DOCREPO_MAX_UPLOAD_BYTES: number = 200 * MiB;

  /** How often the outbox sweep publishes events a crash left behind. */
  @IntEnv({ min: 100 })
  DOCREPO_OUTBOX_SWEEP_MS: number = 2000;
}
