import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IntEnv, SecretEnv, ServiceEnv } from '@quire/platform';

const ACCOUNT_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Settings of the identity service (see README, "Configuration"). */
export class IdentityEnv extends ServiceEnv {
  /** Signs login tokens (the gateway verifies them with the same secret). */
  @SecretEnv()
  JWT_SECRET: string;

  @IntEnv({ min: 60, max: 30 * 24 * 3600 })
  IDENTITY_SESSION_TTL_SECONDS: number = 8 * 3600;

  /** The account created on first start (with the admin below); nothing is created when unset. */
  @IsOptional()
  @Matches(ACCOUNT_CODE)
  IDENTITY_BOOTSTRAP_ACCOUNT_CODE?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  IDENTITY_BOOTSTRAP_ACCOUNT_NAME?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.@+-]{1,99}$/)
  IDENTITY_BOOTSTRAP_ADMIN_LOGIN?: string;

  @IsOptional()
  @IsString()
  @MinLength(10)
  IDENTITY_BOOTSTRAP_ADMIN_PASSWORD?: string;

  @IsOptional()
  @Matches(/^[^\s@]+@[^\s@]+\.[^\s@]+$/)
  IDENTITY_BOOTSTRAP_ADMIN_EMAIL?: string;

  /** The account of public calls without `X-AccountCode`; the bootstrap account when unset. */
  @IsOptional()
  @Matches(ACCOUNT_CODE)
  IDENTITY_DEFAULT_ACCOUNT_CODE?: string;

  /** Failed logins within the window that lock a user temporarily. */
  @IntEnv({ min: 1, max: 1000 })
  IDENTITY_LOCKOUT_MAX_FAILURES: number = 5;

  @IntEnv({ min: 1 })
  IDENTITY_LOCKOUT_WINDOW_SECONDS: number = 15 * 60;

  /** How long the temporary lock lasts (a password reset or an admin ends it sooner). */
  @IntEnv({ min: 1 })
  IDENTITY_LOCKOUT_SECONDS: number = 15 * 60;

  @IntEnv({ min: 1, max: 7 * 24 * 3600 })
  IDENTITY_RESET_TOKEN_TTL_SECONDS: number = 3600;

  /** Requests per minute of an API token without a limit of its own. */
  @IntEnv({ min: 1 })
  IDENTITY_API_TOKEN_RATE_LIMIT_PER_MINUTE: number = 50;

  /** Shown by `GET /rest/ng/config-settings/app-props`. */
  @IsString()
  @MaxLength(100)
  IDENTITY_BUILD_VERSION: string = 'dev';

  @IsString()
  @MaxLength(100)
  IDENTITY_BUILD_DATE: string = 'unknown';

  /** Comma-separated feature names shown by app-props. */
  @IsString()
  @MaxLength(2000)
  IDENTITY_ENABLED_FEATURES: string = 'word-edit,file-upload,documents,viewing';

  /** Start of the link in the reset-password mail (the token is appended). */
  @IsString()
  @MaxLength(500)
  IDENTITY_RESET_PASSWORD_URL: string = 'http://127.0.0.1:3000/#/reset-password?token=';

  get defaultAccountCode(): string | undefined {
    return this.IDENTITY_DEFAULT_ACCOUNT_CODE ?? this.IDENTITY_BOOTSTRAP_ACCOUNT_CODE;
  }
}
