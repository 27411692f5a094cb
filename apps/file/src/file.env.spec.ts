import { ConfigError, loadEnv } from '@quire/platform';
import { FileEnv } from './file.env';
import { FileSettings } from './file.settings';

const base = { HTTP_PORT: '3103' };

describe('FileEnv / FileSettings', () => {
  it('requires a long FILE_LINK_SECRET in production only', () => {
    expect(() => loadEnv(FileEnv, { ...base, NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadEnv(FileEnv, { ...base, NODE_ENV: 'production', FILE_LINK_SECRET: 'short' })).toThrow(/FILE_LINK_SECRET/);
    expect(loadEnv(FileEnv, { ...base, NODE_ENV: 'production', FILE_LINK_SECRET: 'x'.repeat(32) }).FILE_LINK_SECRET).toBe('x'.repeat(32));
    const development = new FileSettings(loadEnv(FileEnv, { ...base, NODE_ENV: 'development' }));
    expect(development.linkSecret).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads limits, types and preset sizes; refuses malformed lists and unknown types', () => {
    const settings = new FileSettings(
      loadEnv(FileEnv, { ...base, FILE_MAX_BYTES_USER_AVATAR: '1000', FILE_ALLOWED_TYPES: 'png,pdf', FILE_VARIANT_SIZES: '10x20,300x200' }),
    );
    expect(settings.maxBytes.user_avatar).toBe(1000);
    expect(settings.largestMaxBytes()).toBe(100 * 1024 * 1024);
    expect([...settings.allowedExtensions]).toEqual(['png', 'pdf']);
    expect(settings.variantSizes.get('300x200')).toEqual({ width: 300, height: 200, label: '300x200' });
    expect(() => loadEnv(FileEnv, { ...base, FILE_VARIANT_SIZES: '320*240' })).toThrow(/FILE_VARIANT_SIZES/);
    expect(() => new FileSettings(loadEnv(FileEnv, { ...base, FILE_ALLOWED_TYPES: 'png,exe' }))).toThrow(/unknown type\(s\) exe/);
  });
});
