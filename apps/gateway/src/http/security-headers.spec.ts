import { gatewaySecurityHeaders, securityHeaders } from './security-headers';

describe('security headers', () => {
  it("are helmet's, computed once, with the gateway's CSP for Swagger UI", () => {
    const headers = gatewaySecurityHeaders();
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(Object.keys(headers).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('follows the options it is given', () => {
    expect(securityHeaders({ hsts: false })['strict-transport-security']).toBeUndefined();
    expect(securityHeaders({ frameguard: { action: 'deny' } })['x-frame-options']).toBe('DENY');
  });
});
