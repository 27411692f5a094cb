import { isPdfHead } from '@quire/platform';

/**
 * Magic-byte checks on the first bytes of an upload. They say what a file claims to be, cheaply
 * and before it is stored; they do not prove it is well formed (the owning service or the
 * converter finds that out).
 */
export type FileSignature = (head: Buffer) => boolean | Promise<boolean>;

interface KnownFileType {
  mime: string;
  matches: (head: Buffer) => boolean;
}

function bytesAt(head: Buffer, offset: number, magic: Buffer): boolean {
  return head.length >= offset + magic.length && head.subarray(offset, offset + magic.length).equals(magic);
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const GIF87 = Buffer.from('GIF87a', 'latin1');
const GIF89 = Buffer.from('GIF89a', 'latin1');
const RIFF = Buffer.from('RIFF', 'latin1');
const WEBP = Buffer.from('WEBP', 'latin1');

const pdf = isPdfHead;
/** A ZIP local file header: also every OOXML file (.docx, .xlsx, .pptx). */
const zip = (head: Buffer): boolean => bytesAt(head, 0, ZIP);
const png = (head: Buffer): boolean => bytesAt(head, 0, PNG);
const jpeg = (head: Buffer): boolean => bytesAt(head, 0, JPEG);
const gif = (head: Buffer): boolean => bytesAt(head, 0, GIF87) || bytesAt(head, 0, GIF89);
const webp = (head: Buffer): boolean => bytesAt(head, 0, RIFF) && bytesAt(head, 8, WEBP);

const knownTypes: KnownFileType[] = [
  { mime: 'application/pdf', matches: pdf },
  { mime: 'application/zip', matches: zip },
  { mime: 'image/png', matches: png },
  { mime: 'image/jpeg', matches: jpeg },
  { mime: 'image/gif', matches: gif },
  { mime: 'image/webp', matches: webp },
];

/** The media type the first bytes show, when it is one we know. OOXML reads as application/zip. */
export function detectFileType(head: Buffer): string | undefined {
  return knownTypes.find((type) => type.matches(head))?.mime;
}

 
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

/**
 * Plain text has no magic number: accept UTF-8 (a sequence cut off at the end of the head is
 * fine) without control characters other than tab, line breaks and form feed.
 */
const text = (head: Buffer): boolean => {
  if (head.length === 0 || detectFileType(head) !== undefined) return false;
  try {
    // `stream: true` leaves an incomplete last sequence pending instead of failing on it.
    return !CONTROL_CHARACTERS.test(new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true }));
  } catch {
    return false;
  }
};

/** Like detectFileType, and `text/plain` for what looks like UTF-8 text. */
export function detectFileTypeOrText(head: Buffer): string | undefined {
  return detectFileType(head) ?? (text(head) ? 'text/plain' : undefined);
}

/** Accepts a file when any of the given signatures does. */
export function anyOf(...signatures: FileSignature[]): FileSignature {
  return async (head) => {
    for (const signature of signatures) if (await signature(head)) return true;
    return false;
  };
}

/** The checks routes put in their upload specs. */
export const FileSignatures = {
  pdf,
  /** .docx / .xlsx / .pptx are ZIP containers; the service that opens them checks the parts. */
  ooxml: zip,
  image: anyOf(png, jpeg, gif, webp),
  /** Any type detectFileType knows, or UTF-8 text (the file route: the service checks the extension). */
  knownOrText: (head: Buffer): boolean => detectFileTypeOrText(head) !== undefined,
} satisfies Record<string, FileSignature>;
