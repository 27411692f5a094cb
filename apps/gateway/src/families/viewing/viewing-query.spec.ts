import { DomainError } from '@quire/errors';
import { comparisonSide, pathSessionId } from './viewing-query';

describe('viewing path and query parameters', () => {
  const id = 'uAbCdEfGhIjKlMnOpQrStUvWxYz01234'; // a session id may start with "u" (1 in 64)

  it('keeps a bare id whole on the v2 routes and strips the u of u{id} on the others', () => {
    expect(id).toHaveLength(32);
    expect(pathSessionId(id, 'viewingSessionId', 'bare')).toBe(id);
    expect(pathSessionId(`u${id}`)).toBe(id);
    expect(() => pathSessionId('u!', 'viewingSessionId', 'bare')).toThrow(DomainError);
  });

  it('side is original or revised, or absent', () => {
    expect(comparisonSide(undefined)).toEqual({});
    expect(comparisonSide('original')).toEqual({ side: 'original' });
    expect(comparisonSide('revised')).toEqual({ side: 'revised' });
    expect(() => comparisonSide('left')).toThrow(expect.objectContaining({ details: expect.objectContaining({ errorCode: 'InvalidInput', at: 'side' }) }));
  });
});
