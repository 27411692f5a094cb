import { API_SECURITY_HEADERS, gatewaySecurityHeaders, securityHeaders, viewerSecurityHeaders } from './security-headers';
import { frameAncestorsOf } from '../gateway.env';

describe('security headers', () => {
  const headers = gatewaySecurityHeaders();

  it('gives API answers the REST set: nothing may frame, run or load from them', () => {
    const api = headers.for('/api/v1/_ping');
    expect(api).toBe(API_SECURITY_HEADERS);
    expect(api['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(api['x-content-type-options']).toBe('nosniff');
    expect(api['x-frame-options']).toBe('DENY');
    expect(api['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers.for('/files/view/1?auth_code=x')).toBe(API_SECURITY_HEADERS);
    expect(headers.for('/documents')).toBe(API_SECURITY_HEADERS);
  });

  it("gives Swagger UI at /docs helmet's full set with a CSP that lets it run", () => {
    for (const url of ['/docs', '/docs/', '/docs/swagger-ui.css', '/docs?x=1']) {
      const docs = headers.for(url);
      expect(docs['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
      expect(docs['content-security-policy']).toContain("default-src 'self'");
      expect(docs['x-content-type-options']).toBe('nosniff');
      expect(docs['x-frame-options']).toBe('SAMEORIGIN');
    }
    expect(headers.for('/docsx')).toBe(API_SECURITY_HEADERS);
  });

  it('are lower-case names, as Fastify stores them', () => {
    for (const url of ['/docs', '/api']) {
      expect(Object.keys(headers.for(url)).every((name) => name === name.toLowerCase())).toBe(true);
    }
  });

  it('follows the options it is given', () => {
    expect(securityHeaders({ hsts: false })['strict-transport-security']).toBeUndefined();
    expect(securityHeaders({ frameguard: { action: 'deny' } })['x-frame-options']).toBe('DENY');
  });

  it("gives /viewer its strict CSP (own script and style only) with frame-ancestors 'self' by default", () => {
    for (const url of ['/viewer', '/viewer?viewingSessionId=abc', '/viewer/assets/main-X.js']) {
      const viewer = headers.for(url);
      expect(viewer['content-security-policy']).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
      );
      expect(viewer['x-frame-options']).toBe('SAMEORIGIN');
      expect(viewer['cross-origin-resource-policy']).toBe('same-origin');
    }
    expect(headers.for('/viewerx')).toBe(API_SECURITY_HEADERS);
    expect(headers.for('/pas/Page/q/0?DocumentID=u1')).toBe(API_SECURITY_HEADERS);
  });

  it('keeps X-Frame-Options consistent with VIEWER_FRAME_ANCESTORS', () => {
    const embeddable = gatewaySecurityHeaders(frameAncestorsOf("'self', https://app.example.com https://*.lab.example")).for('/viewer');
    expect(embeddable['content-security-policy']).toContain("frame-ancestors 'self' https://app.example.com https://*.lab.example");
    expect(embeddable['x-frame-options']).toBeUndefined();
    expect(embeddable['cross-origin-resource-policy']).toBe('cross-origin');
    const none = viewerSecurityHeaders(["'none'"]);
    expect(none['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(none['x-frame-options']).toBe('DENY');
  });
});
