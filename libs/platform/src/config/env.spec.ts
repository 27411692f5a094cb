import { IsInt, Max, Min } from 'class-validator';
import { ConfigError, IntEnv, loadEnv, SecretEnv, ServiceEnv } from './env';

class StackedEnv {
  @IsInt()
  @Min(10)
  @Max(3600)
  TTL_SECONDS: number = 60;
}

class ComposedEnv {
  @IntEnv({ min: 10, max: 3600 })
  TTL_SECONDS: number = 60;
}

function problems(cls: new () => object, env: NodeJS.ProcessEnv): string[] {
  try {
    loadEnv(cls, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadEnv', () => {
  it('applies defaults and converts types', () => {
    const env = loadEnv(ServiceEnv, { HTTP_PORT: '3101', S3_FORCE_PATH_STYLE: 'false', NATS_REQUEST_TIMEOUT_MS: '250' });
    expect(env.HTTP_PORT).toBe(3101);
    expect(env.S3_FORCE_PATH_STYLE).toBe(false);
    expect(env.NATS_REQUEST_TIMEOUT_MS).toBe(250);
    expect(env.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/quire');
  });

  it('names every bad or missing variable at once', () => {
    let error: unknown;
    try {
      loadEnv(ServiceEnv, { NATS_REQUEST_TIMEOUT_MS: 'soon', DATABASE_URL: 'mysql://x', S3_FORCE_PATH_STYLE: 'maybe' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.split('=')[0]).sort();
    expect(problems).toEqual(['DATABASE_URL', 'HTTP_PORT', 'NATS_REQUEST_TIMEOUT_MS', 'S3_FORCE_PATH_STYLE']);
  });

  it('treats empty strings as unset and ignores unrelated variables', () => {
    const env = loadEnv(ServiceEnv, { HTTP_PORT: '1', S3_ENDPOINT: '', HOME: '/root' });
    expect(env.S3_ENDPOINT).toBeUndefined();
    expect(env).not.toHaveProperty('HOME');
  });

  it('rejects a subject prefix that is not a single token followed by a dot', () => {
    expect(() => loadEnv(ServiceEnv, { HTTP_PORT: '1', NATS_SUBJECT_PREFIX: 'a.b.' })).toThrow(/NATS_SUBJECT_PREFIX/);
    expect(loadEnv(ServiceEnv, { HTTP_PORT: '1', NATS_SUBJECT_PREFIX: 'tab12.' }).NATS_SUBJECT_PREFIX).toBe('tab12.');
  });

  it('IntEnv validates, converts and words its messages as the stacked IsInt/Min/Max it stands for', () => {
    expect(loadEnv(ComposedEnv, {}).TTL_SECONDS).toBe(60);
    expect(loadEnv(ComposedEnv, { TTL_SECONDS: '120' }).TTL_SECONDS).toBe(120);
    for (const value of ['5', '4000', '12.5', 'soon']) {
      const composed = problems(ComposedEnv, { TTL_SECONDS: value });
      expect(composed).toHaveLength(1);
      expect(composed).toEqual(problems(StackedEnv, { TTL_SECONDS: value }));
    }
  });

  it('SecretEnv asks for a string of at least 32 characters', () => {
    class SecretSettings {
      @SecretEnv()
      SIGNING_SECRET: string;
    }
    expect(loadEnv(SecretSettings, { SIGNING_SECRET: 's'.repeat(32) }).SIGNING_SECRET).toBe('s'.repeat(32));
    expect(problems(SecretSettings, { SIGNING_SECRET: 'short' })).toEqual([
      'SIGNING_SECRET="short": SIGNING_SECRET must be longer than or equal to 32 characters',
    ]);
    expect(problems(SecretSettings, {})).toHaveLength(1);
  });
});
