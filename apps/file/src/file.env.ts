import { Matches, ValidateIf } from 'class-validator';
import { IntEnv, SecretEnv, UploadReservationEnv } from '@quire/platform';

const MiB = 1024 * 1024;

/** Settings of the file service (see README, "Configuration"). */
export class FileEnv extends UploadReservationEnv {
  /**
   * Signs view links (HMAC-SHA256). Required in production; elsewhere a random one is made per
   * process when unset (links then die with the process, which is fine for one dev process).
   */
  @ValidateIf((env: FileEnv) => env.NODE_ENV === 'production' || env.FILE_LINK_SECRET !== undefined)
  @SecretEnv()
  FILE_LINK_SECRET?: string;

  /** How long a signed view link stays valid after it was issued. */
  @IntEnv({ min: 10, max: 7 * 24 * 3600 })
  FILE_LINK_TTL_SECONDS: number = 3600;

  /** Extensions accepted on upload (the bytes must match the extension). */
  @Matches(/^[a-z0-9]+(,[a-z0-9]+)*$/)
  FILE_ALLOWED_TYPES: string = 'jpg,jpeg,png,gif,webp,pdf,docx,xlsx,txt';

  @IntEnv({ min: 1 })
  FILE_MAX_BYTES_INTAKE_ATTACHMENT: number = 25 * MiB;

  @IntEnv({ min: 1 })
  FILE_MAX_BYTES_USER_CONSENT: number = 10 * MiB;

  @IntEnv({ min: 1 })
  FILE_MAX_BYTES_USER_AVATAR: number = 5 * MiB;

  @IntEnv({ min: 1 })
  FILE_MAX_BYTES_USER_DOCUMENT: number = 100 * MiB;

  /** The only sizes `/files/view/:id?size=WxH` renders, comma-separated. */
  @Matches(/^\d{1,4}x\d{1,4}(,\d{1,4}x\d{1,4})*$/)
  FILE_VARIANT_SIZES: string = '64x64,160x160,320x240,640x480,1280x960';

  /** Images with more pixels than this are refused before decoding (decompression bombs). */
  @IntEnv({ min: 1 })
  FILE_VARIANT_MAX_INPUT_PIXELS: number = 50_000_000;
}
