import { PrincipalCache } from './principal-cache';

const alice = { userId: 'alice', accountId: 'a', roles: ['user'], scopes: [] };

describe('PrincipalCache', () => {
  let now = 1000;
  const clock = () => now;

  beforeEach(() => (now = 1000));

  it('answers until the TTL, then forgets', () => {
    const cache = new PrincipalCache(30_000, 10, clock);
    cache.set('k', alice, { userId: 'alice', sessionId: 's1' }, now);
    expect(cache.get('k')).toBe(alice);
    now += 30_000;
    expect(cache.get('k')).toBeUndefined();
  });

  it("never keeps a principal past its credential's expiry", () => {
    const cache = new PrincipalCache(30_000, 10, clock);
    cache.set('t', { ...alice, credentialExpiresAtMs: now + 5_000 }, { userId: 'alice', tokenId: 't1' }, now);
    now += 4_999;
    expect(cache.get('t')?.userId).toBe('alice');
    now += 1;
    expect(cache.get('t')).toBeUndefined();
    // Already expired when identity's answer arrives: not cached at all.
    cache.set('late', { ...alice, credentialExpiresAtMs: now }, { userId: 'alice', tokenId: 't2' }, now);
    expect(cache.get('late')).toBeUndefined();
    // A far expiry leaves the TTL in charge.
    cache.set('far', { ...alice, credentialExpiresAtMs: now + 3_600_000 }, { userId: 'alice', tokenId: 't3' }, now);
    now += 30_000;
    expect(cache.get('far')).toBeUndefined();
  });

  it('drops entries by session, token and user', () => {
    const cache = new PrincipalCache(30_000, 10, clock);
    cache.set('s', alice, { userId: 'alice', sessionId: 's1' }, now);
    cache.set('t', alice, { userId: 'alice', tokenId: 't1' }, now);
    cache.set('b', { ...alice, userId: 'bob' }, { userId: 'bob', sessionId: 's2' }, now);
    cache.revokeSession('s1');
    expect([cache.get('s'), cache.get('t')?.userId]).toEqual([undefined, 'alice']);
    cache.revokeToken('t1');
    expect(cache.get('t')).toBeUndefined();
    cache.revokeUser('bob');
    expect(cache.get('b')).toBeUndefined();
  });

  it('does not cache a resolution that started before a revocation', () => {
    const cache = new PrincipalCache(30_000, 10, clock);
    const started = now;
    now += 5;
    cache.revokeSession('s1');
    cache.set('k', alice, { userId: 'alice', sessionId: 's1' }, started);
    expect(cache.get('k')).toBeUndefined();
    now += 5;
    cache.set('k', alice, { userId: 'alice', sessionId: 's9' }, now);
    expect(cache.get('k')).toBe(alice);
  });

  it('stays within its size, dropping the oldest', () => {
    const cache = new PrincipalCache(30_000, 2, clock);
    for (const key of ['a', 'b', 'c']) cache.set(key, alice, { userId: key }, now);
    expect([cache.size, cache.get('a'), cache.get('c')]).toEqual([2, undefined, alice]);
  });
});
