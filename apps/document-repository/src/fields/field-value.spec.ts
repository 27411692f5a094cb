import { ErrorCode } from '@quire/errors';
import { contentTypeOf, documentNameOf } from '../documents/document-view';
import { checkedFieldValue } from './field-value';
import { FieldDefinition } from './fields.repository';

const field = (type: FieldDefinition['type'], extra: Partial<FieldDefinition> = {}): FieldDefinition => ({ id: 'f1', name: 'F', type, required: false, allowedValues: null, ...extra });

describe('checkedFieldValue', () => {
  it('keeps values of the right type and refuses others, naming the field', () => {
    expect(checkedFieldValue(field('string'), 'x')).toBe('x');
    expect(checkedFieldValue(field('number'), 3.5)).toBe(3.5);
    expect(checkedFieldValue(field('boolean'), false)).toBe(false);
    expect(checkedFieldValue(field('select', { allowedValues: ['a', 'b'] }), 'b')).toBe('b');
    for (const [type, value] of [['string', 1], ['number', '1'], ['number', Number.NaN], ['boolean', 'true'], ['date', '2024-01-01T00:00:00']] as const) {
      expect(() => checkedFieldValue(field(type), value)).toThrow(expect.objectContaining({ code: ErrorCode.ValidationFailed, details: expect.objectContaining({ fieldId: 'f1' }) }));
    }
    expect(() => checkedFieldValue(field('select', { allowedValues: ['a'] }), 'c')).toThrow(expect.objectContaining({ code: ErrorCode.ValidationFailed }));
  });

  it('stores dates as UTC ISO from epoch ms or an offset form', () => {
    expect(checkedFieldValue(field('date'), '2024-01-01T00:00:00-0700')).toBe('2024-01-01T07:00:00.000Z');
    expect(checkedFieldValue(field('date'), 0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('null clears an optional field and is refused for a required one', () => {
    expect(checkedFieldValue(field('string'), null)).toBeNull();
    expect(() => checkedFieldValue(field('string', { required: true }), null)).toThrow(expect.objectContaining({ code: ErrorCode.ValidationFailed }));
  });
});

describe('document names and types', () => {
  it('takes the base name without control characters', () => {
    expect(documentNameOf('C:\\docs\\a\u0007b.pdf')).toBe('ab.pdf');
    expect(documentNameOf('../x/y.txt')).toBe('y.txt');
  });

  it('prefers the detected type, then a well-formed declared one, else octet-stream', () => {
    expect(contentTypeOf('application/pdf', 'text/html')).toBe('application/pdf');
    expect(contentTypeOf(undefined, 'Text/Plain')).toBe('text/plain');
    expect(contentTypeOf(undefined, 'not a type')).toBe('application/octet-stream');
  });
});
