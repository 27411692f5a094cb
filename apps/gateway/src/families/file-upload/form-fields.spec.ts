import { parseFormFields } from './form-fields';

const body = (boundary: string, parts: string[]) => `${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`;

describe('parseFormFields', () => {
  it('reads form-data and attachment parts (curl with a non-multipart Content-Type)', () => {
    const text = body('XyZ', ['Content-Disposition: attachment; name="name"\r\n\r\ntest2.jpg', 'Content-Disposition: form-data; name="note"\r\n\r\nline 1\r\nline 2']);
    expect(parseFormFields(text, 'XyZ')).toEqual({ name: 'test2.jpg', note: 'line 1\r\nline 2' });
  });

  it('turns a repeated field into a list, which validation then refuses', () => {
    const text = body('b', ['Content-Disposition: form-data; name="name"\r\n\r\na', 'Content-Disposition: form-data; name="name"\r\n\r\nb']);
    expect(parseFormFields(text, 'b')).toEqual({ name: ['a', 'b'] });
  });

  it('refuses files, nameless parts, prototype keys and bodies that do not end', () => {
    const file = body('b', ['Content-Disposition: form-data; name="file"; filename="x.pdf"\r\n\r\n%PDF']);
    expect(() => parseFormFields(file, 'b')).toThrow(/files are not accepted/);
    expect(() => parseFormFields(body('b', ['Content-Disposition: form-data\r\n\r\nx']), 'b')).toThrow(/without a field name/);
    expect(() => parseFormFields(body('b', ['Content-Disposition: form-data; name="__proto__"\r\n\r\nx']), 'b')).toThrow(/Invalid/);
    expect(() => parseFormFields('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx', 'b')).toThrow(/Malformed/);
  });
});
