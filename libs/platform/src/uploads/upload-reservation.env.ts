import { IntEnv, ServiceEnv } from '../config/env';

/**
 * Settings of a service that takes uploads through upload reservations (ADR 011): extend it
 * instead of ServiceEnv, and pass these to `uploadReservationProviders`. A service that needs other
 * bounds declares both settings itself (re-declaring a property drops the inherited validators).
 */
export class UploadReservationEnv extends ServiceEnv {
  /** How long an upload's reservation stays open; after it the sweeper deletes what was written. */
  @IntEnv({ min: 60 })
  UPLOAD_RESERVATION_TTL_SECONDS: number = 3600;

  /** How often expired upload reservations are swept (each replica; SKIP LOCKED). */
  @IntEnv({ min: 1 })
  UPLOAD_RESERVATION_SWEEP_INTERVAL_SECONDS: number = 60;
}
