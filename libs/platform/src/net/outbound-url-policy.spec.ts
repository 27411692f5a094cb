import { mapHttpError } from '@quire/errors';
import { ConfigError } from '../config/env';
import { OutboundAllowList, OutboundUrlPolicy } from './outbound-url-policy';
import { OutboundUrlRefused } from './outbound-url-refused';

describe('OutboundAllowList', () => {
  const list = OutboundAllowList.parse('docs.corp.example, *.intranet.example 10.20.0.0/16,192.168.1.5 [fd12::]/16');

  it('allows listed hosts and subdomains of a *.suffix, case-insensitively', () => {
    expect(list.allowsHost('docs.corp.example')).toBe(true);
    expect(list.allowsHost('DOCS.corp.example.')).toBe(true);
    expect(list.allowsHost('a.b.intranet.example')).toBe(true);
    expect(list.allowsHost('intranet.example')).toBe(false);
    expect(list.allowsHost('evil-intranet.example')).toBe(false);
    expect(list.allowsHost('corp.example')).toBe(false);
  });

  it('allows listed addresses and networks, also in their IPv4-mapped form', () => {
    expect(list.allowsAddress('10.20.3.4')).toBe(true);
    expect(list.allowsAddress('::ffff:10.20.3.4')).toBe(true);
    expect(list.allowsAddress('10.21.0.1')).toBe(false);
    expect(list.allowsAddress('192.168.1.5')).toBe(true);
    expect(list.allowsAddress('192.168.1.6')).toBe(false);
    expect(list.allowsAddress('fd12:1::1')).toBe(true);
    expect(list.allowsAddress('fd13::1')).toBe(false);
  });

  it.each(['http://x', '10.0.0.0/33', '::/129', 'bad host!', 'a..b'])('rejects %s', (entry) => {
    expect(() => OutboundAllowList.parse(entry)).toThrow();
  });
});

describe('OutboundUrlPolicy', () => {
  it('reads OUTBOUND_URL_* with defaults', () => {
    const policy = OutboundUrlPolicy.fromEnv({});
    expect(policy.limits).toEqual({ maxBytes: 104_857_600, connectTimeoutMs: 5_000, timeoutMs: 60_000, maxRedirects: 3 });
    const custom = OutboundUrlPolicy.fromEnv({
      OUTBOUND_URL_ALLOW_HOSTS: 'docs.corp.example,10.0.0.0/8',
      OUTBOUND_URL_MAX_BYTES: '1000',
      OUTBOUND_URL_TIMEOUT_MS: '2000',
      OUTBOUND_URL_MAX_REDIRECTS: '1',
    });
    expect(custom.limits.maxBytes).toBe(1000);
    expect(custom.limits.maxRedirects).toBe(1);
    expect(custom.allowsHost('docs.corp.example')).toBe(true);
    expect(custom.allowsAddress('10.1.1.1')).toBe(true);
  });

  it('fails start-up naming each bad variable', () => {
    try {
      OutboundUrlPolicy.fromEnv({ OUTBOUND_URL_ALLOW_HOSTS: 'not a host!', OUTBOUND_URL_MAX_REDIRECTS: '4' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('OUTBOUND_URL_ALLOW_HOSTS');
      expect(problems).toContain('OUTBOUND_URL_MAX_REDIRECTS');
    }
  });

  it('refuses internal names and single labels before resolving them', () => {
    const policy = new OutboundUrlPolicy();
    for (const name of ['localhost', 'a.localhost', 'metadata.google.internal', 'metadata.goog', 'printer.local', 'intranet', 'metadata', 'nas.home.arpa']) {
      expect(policy.refusesName(name)).toBe(true);
    }
    for (const name of ['example.com', 'docs.example.org', 'localhost-docs.example.com']) {
      expect(policy.refusesName(name)).toBe(false);
    }
  });

  it('allows only public addresses unless allow-listed', () => {
    const policy = new OutboundUrlPolicy(OutboundAllowList.parse('10.1.0.0/16'));
    expect(policy.allowsAddress('93.184.215.14')).toBe(true);
    expect(policy.allowsAddress('10.1.2.3')).toBe(true);
    expect(policy.allowsAddress('10.2.0.1')).toBe(false);
    expect(policy.allowsAddress('169.254.169.254')).toBe(false);
  });
});

describe('OutboundUrlRefused', () => {
  it('is an input error: the viewing family answers 480 InvalidInput with in / at', () => {
    const error = new OutboundUrlRefused('address', { in: 'body', at: 'source.url' });
    const mapped = mapHttpError('viewing', error);
    expect(mapped.status).toBe(480);
    expect(mapped.body).toMatchObject({ errorCode: 'InvalidInput', in: 'body', at: 'source.url' });
    expect(error.details['reason']).toBe('address');
  });
});
