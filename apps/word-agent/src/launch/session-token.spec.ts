import { readTokenClaims, resolveServerUrl, serverUrlFromIssuer, SessionTokenError } from './session-token';

const tokenWith = (claims: object) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('session token', () => {
  it('reads the claims without verifying them', () => {
    expect(readTokenClaims(tokenWith({ typ: 'edit-session', exp: 10, iss: 'quire' }))).toMatchObject({ typ: 'edit-session', exp: 10 });
    expect(() => readTokenClaims('a.b.c')).toThrow(SessionTokenError);
  });

  it('uses the issuer as server address only when it is an http(s) URL', () => {
    expect(serverUrlFromIssuer('https://quire.example.com/')).toBe('https://quire.example.com');
    expect(serverUrlFromIssuer('quire')).toBeUndefined();
    expect(serverUrlFromIssuer(undefined)).toBeUndefined();
  });

  it('prefers the configured server; without one and a plain issuer it asks for configuration', () => {
    expect(resolveServerUrl('http://127.0.0.1:3000', { iss: 'https://other.example' })).toBe('http://127.0.0.1:3000');
    expect(resolveServerUrl(undefined, { iss: 'https://quire.example.com' })).toBe('https://quire.example.com');
    expect(() => resolveServerUrl(undefined, { iss: 'quire' })).toThrow(/QUIRE_SERVER_URL/);
  });
});
