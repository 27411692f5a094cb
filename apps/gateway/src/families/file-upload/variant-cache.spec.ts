import { VariantCache } from './variant-cache';

describe('VariantCache', () => {
  const bytes = (n: number, fill = 1) => Buffer.alloc(n, fill);

  it('answers what it holds, and nothing larger than an entry may be', () => {
    const cache = new VariantCache(100, 40);
    cache.set('a', bytes(30));
    cache.set('big', bytes(41));
    expect(cache.get('a')).toEqual(bytes(30));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toEqual({ entries: 1, bytes: 30 });
  });

  it('drops the least recently used entries once over its byte budget', () => {
    const cache = new VariantCache(100, 40);
    cache.set('a', bytes(40));
    cache.set('b', bytes(40));
    cache.get('a'); // a is now more recent than b
    cache.set('c', bytes(40));
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map((v) => v?.length)).toEqual([40, undefined, 40]);
    expect(cache.size).toEqual({ entries: 2, bytes: 80 });
  });

  it('replacing a key counts its bytes once; a budget of 0 holds nothing', () => {
    const cache = new VariantCache(100, 100);
    cache.set('a', bytes(30));
    cache.set('a', bytes(20, 2));
    expect(cache.size).toEqual({ entries: 1, bytes: 20 });
    expect(cache.get('a')).toEqual(bytes(20, 2));
    const off = new VariantCache(0, 100);
    off.set('a', bytes(1));
    expect(off.get('a')).toBeUndefined();
  });
});
