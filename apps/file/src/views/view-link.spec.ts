import { createHmac } from 'node:crypto';
import { ViewLinkSigner } from './view-link';

describe('ViewLinkSigner', () => {
  const signer = new ViewLinkSigner('s'.repeat(32), 3600);
  const id = '5e15d150-19b4-4cbd-b217-332fc71b6977';
  const now = 1_800_000_000;

  it('signs HMAC-SHA256(id \\n time) in hex and puts it in the query', () => {
    const expected = createHmac('sha256', 's'.repeat(32)).update(`${id}\n${now}`).digest('hex');
    expect(signer.query(id, now)).toBe(`auth_code=${expected}&time=${now}`);
  });

  it('accepts a fresh link, with or without a size; a size-bound link only with its size', () => {
    const code = signer.sign(id, now);
    expect(signer.verify(id, code, String(now), undefined, now + 10)).toBe(true);
    expect(signer.verify(id, code, String(now), '320x240', now + 10)).toBe(true);
    const sized = signer.sign(id, now, '64x64');
    expect(signer.verify(id, sized, String(now), '64x64', now)).toBe(true);
    expect(signer.verify(id, sized, String(now), '320x240', now)).toBe(false);
    expect(signer.verify(id, sized, String(now), undefined, now)).toBe(false);
  });

  it('refuses expired, future, tampered and malformed links', () => {
    const code = signer.sign(id, now);
    expect(signer.verify(id, code, String(now), undefined, now + 3601)).toBe(false);
    expect(signer.verify(id, signer.sign(id, now + 120), String(now + 120), undefined, now)).toBe(false);
    expect(signer.verify(id.replace('5e15', '5e16'), code, String(now), undefined, now)).toBe(false);
    expect(signer.verify(id, code.toUpperCase(), String(now), undefined, now)).toBe(false);
    expect(signer.verify(id, code, `${now}.0`, undefined, now)).toBe(false);
    expect(signer.verify(id, code.slice(2), String(now), undefined, now)).toBe(false);
  });
});
