import { anyOf, detectFileType, detectFileTypeOrText, FileSignatures } from './file-signatures';

const samples: Record<string, Buffer> = {
  pdf: Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj', 'latin1'),
  zip: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]),
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]),
  gif87: Buffer.from('GIF87a\x01\x00\x01\x00', 'latin1'),
  gif89: Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'),
  webp: Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 ')]),
};

describe('file signatures', () => {
  it.each([
    ['pdf', 'application/pdf'],
    ['zip', 'application/zip'],
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['gif87', 'image/gif'],
    ['gif89', 'image/gif'],
    ['webp', 'image/webp'],
  ])('detects %s as %s', (sample, mime) => {
    expect(detectFileType(samples[sample]!)).toBe(mime);
  });

  it('detects nothing in text, empty or truncated heads', () => {
    expect(detectFileType(Buffer.from('hello world'))).toBeUndefined();
    expect(detectFileType(Buffer.alloc(0))).toBeUndefined();
    expect(detectFileType(Buffer.from('%PDF'))).toBeUndefined();
    expect(detectFileType(samples['png']!.subarray(0, 7))).toBeUndefined();
    // RIFF without WEBP at offset 8 is some other RIFF file (WAV, AVI).
    expect(detectFileType(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'))).toBeUndefined();
    // The end-of-archive record alone is an empty ZIP, never a usable OOXML file.
    expect(detectFileType(Buffer.from([0x50, 0x4b, 0x05, 0x06]))).toBeUndefined();
  });

  it('each signature accepts its own type only', () => {
    const owners: Record<string, string[]> = {
      pdf: ['pdf'],
      ooxml: ['zip'],
    };
    for (const [signature, own] of Object.entries(owners)) {
      const check = FileSignatures[signature as keyof typeof owners & keyof typeof FileSignatures] as (head: Buffer) => boolean;
      for (const [sample, bytes] of Object.entries(samples)) {
        expect({ signature, sample, accepted: check(bytes) }).toEqual({ signature, sample, accepted: own.includes(sample) });
      }
    }
  });

  it('image accepts the four image types and nothing else; ooxml is zip; knownOrText takes known types and text', async () => {
    for (const sample of ['png', 'jpeg', 'gif87', 'gif89', 'webp']) expect(await FileSignatures.image(samples[sample]!)).toBe(true);
    for (const sample of ['pdf', 'zip']) expect(await FileSignatures.image(samples[sample]!)).toBe(false);
    expect(FileSignatures.ooxml(samples['zip']!)).toBe(true);
    expect(FileSignatures.knownOrText(samples['zip']!)).toBe(true);
    expect(FileSignatures.knownOrText(Buffer.from('plain text'))).toBe(true);
    expect(FileSignatures.knownOrText(Buffer.from([0x4d, 0x5a, 0x90, 0x00]))).toBe(false);
  });

  it('anyOf awaits asynchronous checks', async () => {
    const slowPdf = async (head: Buffer): Promise<boolean> => FileSignatures.pdf(head);
    const pdfOrImage = anyOf(slowPdf, FileSignatures.image);
    expect(await pdfOrImage(samples['pdf']!)).toBe(true);
    expect(await pdfOrImage(samples['png']!)).toBe(true);
    expect(await pdfOrImage(samples['zip']!)).toBe(false);
  });

  it('text: UTF-8 without control characters, a sequence cut at the end allowed; binary types first', () => {
    expect(detectFileTypeOrText(Buffer.from('Grüße\r\n\tline\f'))).toBe('text/plain');
    expect(detectFileTypeOrText(Buffer.from('Grüße', 'utf8').subarray(0, 3))).toBe('text/plain');
    expect(detectFileTypeOrText(samples['pdf']!)).toBe('application/pdf');
    expect(detectFileTypeOrText(Buffer.from([0x4d, 0x5a, 0x90, 0x00]))).toBeUndefined();
    expect(detectFileTypeOrText(Buffer.from([0xc3, 0x28, 0x41]))).toBeUndefined();
    expect(detectFileTypeOrText(Buffer.alloc(0))).toBeUndefined();
    expect(detectFileTypeOrText(samples['png']!)).toBe('image/png');
  });
});
