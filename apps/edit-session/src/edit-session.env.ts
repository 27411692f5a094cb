import { IntEnv, SecretEnv, ServiceEnv } from '@quire/platform';

/** Settings of the edit-session service (see README, "Configuration"). */
export class EditSessionEnv extends ServiceEnv {
  /** Signs the edit-session tokens the Word agent uploads with (the gateway verifies them with the same secret). */
  @SecretEnv()
  JWT_SECRET: string;

  /** The longest a session (and its token) lives unless ended or taken over, however often renewed. */
  @IntEnv({ min: 60, max: 7 * 24 * 3600 })
  EDIT_SESSION_TTL_SECONDS: number = 8 * 3600;

  /**
   * The lease: a session whose agent neither saves nor sends a keepalive for this long ends (the
   * sweeper announces it), so a crashed PC does not hold a report for hours.
   */
  @IntEnv({ min: 10, max: 7 * 24 * 3600 })
  EDIT_SESSION_LEASE_SECONDS: number = 900;

  /** How often expired sessions are ended (each replica; they never end the same one twice). */
  @IntEnv({ min: 1, max: 3600 })
  EDIT_SESSION_SWEEP_INTERVAL_SECONDS: number = 60;

  /** Expiry of presigned download URLs (template_path, version downloads). */
  @IntEnv({ min: 10, max: 3600 })
  EDIT_SESSION_PRESIGN_SECONDS: number = 300;

  /** Largest sum of the uncompressed sizes a .docx declares (zip bombs are refused above it). */
  @IntEnv({ min: 1024 * 1024 })
  DOCX_MAX_UNCOMPRESSED_BYTES: number = 512 * 1024 * 1024;

  /** Most entries a .docx may have. */
  @IntEnv({ min: 10, max: 100_000 })
  DOCX_MAX_ENTRIES: number = 5000;

  /** How long an agent save's upload reservation stays open; after it the sweeper deletes what was written. */
  @IntEnv({ min: 60, max: 24 * 3600 })
  UPLOAD_RESERVATION_TTL_SECONDS: number = 3600;

  /** How often expired upload reservations are swept (each replica; SKIP LOCKED). */
  @IntEnv({ min: 1, max: 3600 })
  UPLOAD_RESERVATION_SWEEP_INTERVAL_SECONDS: number = 60;
}
