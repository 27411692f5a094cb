import { sign } from 'jsonwebtoken';
import { QuireJwt } from './jwt';

describe('QuireJwt', () => {
  const jwt = new QuireJwt({ secret: 'a-test-secret-of-enough-length-123456' });
  const claims = { sub: 'u1', acc: 'a1', roles: ['user'], scopes: [], sid: 's1' };

  afterEach(() => jest.restoreAllMocks());

  it('verifies its own tokens, and again from memory with the same answer', () => {
    const token = jwt.sign(claims, 60);
    const first = jwt.verify<typeof claims>(token);
    expect(first).toMatchObject(claims);
    expect(jwt.verify(token)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('refuses a token signed with another secret, a tampered one and one for another audience', () => {
    const foreign = new QuireJwt({ secret: 'another-secret-of-enough-length-654321' }).sign(claims, 60);
    const token = jwt.sign(claims, 60);
    jwt.verify(token);
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url')}.${signature}`;
    const otherAudience = new QuireJwt({ secret: 'a-test-secret-of-enough-length-123456', audience: 'other' }).sign(claims, 60);
    for (const bad of [foreign, tampered, otherAudience, `${header}.${payload}.`, 'not-a-jwt']) {
      expect(() => jwt.verify(bad)).toThrow('Invalid or expired token');
    }
  });

  it('stops accepting a remembered token once it has expired', () => {
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    const token = jwt.sign(claims, 2);
    expect(jwt.verify(token)).toMatchObject(claims);
    clock.mockReturnValue(now + 2_500);
    expect(() => jwt.verify(token)).toThrow('Invalid or expired token');
  });

  it('re-verifies a long-lived token after a minute, and keeps only as many tokens as configured', () => {
    const small = new QuireJwt({ secret: 'a-test-secret-of-enough-length-123456', verifiedCacheSize: 2 });
    const tokens = [1, 2, 3].map((n) => small.sign({ ...claims, sid: `s${n}` }, 3600));
    const remembered = tokens.map((token) => small.verify(token));
    // The first was evicted by the third: verifying it again gives a new object.
    expect(small.verify(tokens[0]!)).not.toBe(remembered[0]);
    expect(small.verify(tokens[2]!)).toBe(remembered[2]);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    expect(small.verify(tokens[2]!)).not.toBe(remembered[2]);
  });

  it('refuses a token without exp, with alg none, or with another algorithm, even with the right secret', () => {
    const secret = 'a-test-secret-of-enough-length-123456';
    const options = { issuer: 'quire', audience: 'quire' };
    const noExp = sign(claims, secret, { ...options, algorithm: 'HS256' });
    const otherAlg = sign(claims, secret, { ...options, algorithm: 'HS512', expiresIn: 60 });
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: 'quire', aud: 'quire', iat: now, exp: now + 60 })}.`;
    for (const bad of [noExp, otherAlg, algNone]) {
      expect(() => jwt.verify(bad)).toThrow('Invalid or expired token');
      // Twice: a refused token is never remembered as verified.
      expect(() => jwt.verify(bad)).toThrow('Invalid or expired token');
    }
    expect(() => jwt.verifyLogin(noExp)).toThrow('Invalid or expired token');
  });
});
