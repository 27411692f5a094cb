import { strictInteger } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { findHostileString, textProblem } from './hostile-text';
import { nestsDeeperThan, parseJsonBody } from './json-body';
import { assertAcceptableUrl } from './request-url';

const parse = (text: string) => JSON.parse(text) as unknown;

function refusal(work: () => unknown): DomainError | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return undefined;
}

describe('edge input checks', () => {
  it('finds NUL and lone surrogates, not well-formed pairs', () => {
    expect(textProblem('a\u0000b')).toBe('contains a NUL character');
    expect(textProblem('\ud800x')).toBe('contains a lone UTF-16 surrogate');
    expect(textProblem('x\udc00')).toBe('contains a lone UTF-16 surrogate');
    expect(textProblem('😀 Résumé')).toBeUndefined();
    expect(findHostileString({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toEqual({ at: 'a.1.c', problem: 'contains a NUL character' });
    expect(findHostileString({ ['k\ud800']: 1 })).toEqual({ at: '(key) (body)', problem: 'contains a lone UTF-16 surrogate' });
  });

  it('measures depth in one pass, ignoring brackets inside strings', () => {
    expect(nestsDeeperThan('[[[]]]', 3)).toBe(false);
    expect(nestsDeeperThan('[[[[]]]]', 3)).toBe(true);
    expect(nestsDeeperThan('{"a":"[[[[[[\\"[[["}', 1)).toBe(false);
    expect(nestsDeeperThan('['.repeat(100_000), 32)).toBe(true);
  });

  it('parses a JSON body: empty is no body; bad UTF-8, depth, bad JSON and NUL are refused', () => {
    expect(parseJsonBody(Buffer.alloc(0), 32, parse)).toBeUndefined();
    expect(parseJsonBody(Buffer.from('{"a":[1]}'), 32, parse)).toEqual({ a: [1] });
    expect(refusal(() => parseJsonBody(Buffer.from([0x22, 0xc3, 0x28, 0x22]), 32, parse))?.message).toBe('The body is not valid UTF-8');
    expect(refusal(() => parseJsonBody(Buffer.from('['.repeat(40) + ']'.repeat(40)), 32, parse))?.message).toBe('The body nests deeper than 32 levels');
    expect(refusal(() => parseJsonBody(Buffer.from('{"a":'), 32, parse))?.message).toBe('The body is not valid JSON');
    expect(refusal(() => parseJsonBody(Buffer.from('{"name":"a\\u0000"}'), 32, parse))?.details).toEqual({ fields: { name: ['contains a NUL character'] } });
  });

  it('refuses URLs with bad escapes, invalid UTF-8, NUL, lone surrogates or raw bytes; takes the usual ones', () => {
    for (const url of ['/a?x=%00', '/a/%00', '/a?x=%FF', '/a?%E0%A4%A=1', '/a?x=%ED%A0%80', '/a?x=\u00ff', '/a b']) {
      expect({ url, refused: refusal(() => assertAcceptableUrl(url)) !== undefined }).toEqual({ url, refused: true });
    }
    for (const url of ['/a', '/a?x=1&y=%C3%A9', '/files/view/x?auth_code=ab&time=1', '/a/the%20folder?q=a+b']) {
      expect(refusal(() => assertAcceptableUrl(url))).toBeUndefined();
    }
  });

  it('reads integers strictly', () => {
    expect(['0', '12', '-3', '9007199254740991'].map(strictInteger)).toEqual([0, 12, -3, 9007199254740991]);
    for (const odd of ['0x2', '0b10', '2e0', '+2', '2.0', ' 2', '02', '', '9007199254740993', '999999999999999999999999999999']) {
      expect({ odd, value: strictInteger(odd) }).toEqual({ odd, value: undefined });
    }
    expect(strictInteger(1e30)).toBeUndefined();
    expect(strictInteger(7)).toBe(7);
  });
});
