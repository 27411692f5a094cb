import { socketCredential } from './socket-credential';

const JWT = 'aaa.bbb.ccc';

describe('socketCredential', () => {
  it('reads Authorization: Bearer', () => {
    expect(socketCredential({ url: '/ws', headers: { authorization: `Bearer ${JWT}` } })).toEqual({ kind: 'jwt', token: JWT });
  });

  it('reads ?token= for browsers, which cannot set headers', () => {
    expect(socketCredential({ url: `/ws?x=1&token=${JWT}`, headers: {} })).toEqual({ kind: 'jwt', token: JWT });
  });

  it('prefers the header when both are given', () => {
    expect(socketCredential({ url: '/ws?token=x.y.z', headers: { authorization: `Bearer ${JWT}` } })?.token).toBe(JWT);
  });

  it('has nothing without a token', () => {
    expect(socketCredential({ url: '/ws', headers: {} })).toBeUndefined();
    expect(socketCredential({ url: '/ws?token=', headers: {} })).toBeUndefined();
    expect(socketCredential({ url: '/ws', headers: { authorization: 'Basic abc' } })).toBeUndefined();
  });

  it('passes a non-JWT token on as an API token (for the resolver to judge)', () => {
    expect(socketCredential({ url: '/ws?token=opaque123', headers: {} })).toMatchObject({ kind: 'api-token', token: 'opaque123' });
  });
});
