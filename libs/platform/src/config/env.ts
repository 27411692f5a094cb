import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

/** Reads "true"/"false"/"1"/"0" as booleans; anything else stays as is and fails validation. */
export function BooleanEnv(): PropertyDecorator {
  // Reads the raw string: implicit conversion has already turned "false" into true by now.
  return Transform(({ obj, key }) => {
    const value: unknown = (obj as Record<string, unknown>)[key];
    if (typeof value !== 'string') return value;
    if (/^(true|1|yes)$/i.test(value)) return true;
    if (/^(false|0|no)$/i.test(value)) return false;
    return value;
  });
}

/**
 * An integer setting, optionally bounded: `@IntEnv({ min: 1, max: 3600 })` stands for
 * `@IsInt() @Min(1) @Max(3600)` (loadEnv converts the string). The validators are registered in the
 * order those stacked decorators would register them, so start-up messages read the same.
 */
export function IntEnv(bounds: { min?: number; max?: number } = {}): PropertyDecorator {
  return (target, property) => {
    if (bounds.max !== undefined) Max(bounds.max)(target, property);
    if (bounds.min !== undefined) Min(bounds.min)(target, property);
    IsInt()(target, property);
  };
}

/** A signing secret (JWT, HMAC): a string of at least 32 characters. */
export function SecretEnv(): PropertyDecorator {
  return (target, property) => {
    MinLength(32)(target, property);
    IsString()(target, property);
  };
}

/** Settings every Quire process reads. Subclass it per app; read env only through `loadEnv`. */
export class CommonEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsString()
  HTTP_HOST: string = '0.0.0.0';

  @IntEnv({ min: 0, max: 65535 })
  HTTP_PORT: number;

  /** Prometheus' `/metrics`, on its own port, never the HTTP port (ADR 018); 0 serves none. */
  @IntEnv({ min: 0, max: 65535 })
  METRICS_PORT: number = 0;

  /** Where the metrics port listens: loopback unless a scraper elsewhere needs it (k8s: 0.0.0.0). */
  @IsString()
  METRICS_HOST: string = '127.0.0.1';

  /** One or more NATS servers, comma-separated. */
  @Matches(/^nats:\/\/[^\s,]+(,nats:\/\/[^\s,]+)*$/)
  NATS_URL: string = 'nats://127.0.0.1:4222';

  @IntEnv({ min: 50, max: 120_000 })
  NATS_REQUEST_TIMEOUT_MS: number = 5000;

  /**
   * Put before every subject this process uses (e.g. `t1a2b.`), so several stacks (parallel test
   * files, two developers) can share one NATS server without hearing each other. Empty in deploys.
   */
  @Matches(/^([a-z0-9_-]+\.)?$/i)
  NATS_SUBJECT_PREFIX: string = '';

  /** How long SIGTERM waits for in-flight work before closing anyway. */
  @IntEnv({ min: 0, max: 120_000 })
  SHUTDOWN_TIMEOUT_MS: number = 10_000;

  @IsOptional()
  @IsString()
  S3_ENDPOINT?: string;

  /**
   * The object store as browsers and desktop agents reach it, for presigned URLs (e.g.
   * `https://files.example.com` in front of MinIO); default: S3_ENDPOINT.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  S3_PUBLIC_ENDPOINT?: string;

  @IsString()
  S3_REGION: string = 'us-east-1';

  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
  S3_BUCKET: string = 'quire';

  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  @BooleanEnv()
  @IsIn([true, false])
  S3_FORCE_PATH_STYLE: boolean = true;

  /**
   * Sends and signs bucket-level requests (HeadBucket, ListObjectsV2, DeleteObjects…) as `/bucket`,
   * not the SDK's `/bucket/`: what @20minutes/s3rver, `npm start`'s on-disk S3, checks signatures
   * against (docs/adr/015). Leave it off for MinIO and S3.
   */
  @BooleanEnv()
  @IsIn([true, false])
  S3_BUCKET_PATH_WITHOUT_SLASH: boolean = false;
}

/** Settings of a service that owns a Postgres schema. */
export class ServiceEnv extends CommonEnv {
  @Matches(/^postgres(ql)?:\/\/\S+$/)
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/quire';

  @IntEnv({ min: 1, max: 200 })
  DATABASE_POOL_SIZE: number = 10;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** One line per bad variable, showing the value as it was given (not as converted). */
function describe(errors: ValidationError[], given: Record<string, unknown>): string[] {
  return errors.map((e) => {
    const constraints = Object.values(e.constraints ?? {}).join('; ');
    const raw = e.property in given ? JSON.stringify(given[e.property]) : '(unset)';
    return `${e.property}=${raw}: ${constraints}`;
  });
}

/** Every variable a settings class declares (each carries at least one validator). */
export function envKeys(cls: new () => object): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

/**
 * Validates the environment once, at start-up, into a typed settings object. Empty strings count
 * as unset. Throws a ConfigError naming every bad variable.
 */
export function loadEnv<T extends object>(
  cls: new () => T,
  env: NodeJS.ProcessEnv = process.env,
  defaults: Partial<Record<keyof T, unknown>> = {},
): T {
  const given: Record<string, unknown> = { ...defaults };
  for (const key of envKeys(cls)) {
    const value = env[key];
    if (value !== undefined && value !== '') given[key] = value;
  }
  const settings = plainToInstance(cls, given, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(settings, { forbidUnknownValues: false });
  if (errors.length) throw new ConfigError(describe(errors, given));
  return settings;
}

/** Loads settings or stops the process with a message naming every bad variable. */
export function loadEnvOrExit<T extends CommonEnv>(cls: new () => T, defaults: Partial<Record<keyof T, unknown>>): T {
  try {
    return loadEnv(cls, process.env, defaults);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: error.message, problems: error.problems })}\n`);
      process.exit(1);
    }
    throw error;
  }
}
