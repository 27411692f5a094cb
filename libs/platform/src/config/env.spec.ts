import { ConfigError, loadEnv, ServiceEnv } from './env';

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
});
