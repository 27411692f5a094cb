import { UnsupportedFormat } from './renditions.api';

export type SourceKind = 'office' | 'pdf' | 'image';

export const OFFICE_FORMATS = ['docx', 'doc', 'odt', 'rtf', 'xlsx', 'pptx', 'txt'] as const;
export const IMAGE_FORMATS = ['jpeg', 'png', 'gif', 'webp', 'tiff'] as const;

function extension(name?: string): string {
  const match = /\.([a-z0-9]{1,8})$/i.exec(name ?? '');
  const ext = match ? match[1]!.toLowerCase() : '';
  return ext === 'jpg' ? 'jpeg' : ext === 'tif' ? 'tiff' : ext;
}

/**
 * The format of the source, from its first bytes (and, for zip / OLE / text containers, its
 * name or content type). Anything else is `UnsupportedFormat` (480).
 */
export function detectFormat(head: Buffer, name?: string, contentType?: string): { format: string; kind: SourceKind } {
  const ext = extension(name);
  const ascii = head.subarray(0, 16).toString('latin1');
  if (ascii.startsWith('%PDF-')) return { format: 'pdf', kind: 'pdf' };
  if (head[0] === 0x89 && ascii.slice(1, 4) === 'PNG') return { format: 'png', kind: 'image' };
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { format: 'jpeg', kind: 'image' };
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return { format: 'gif', kind: 'image' };
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return { format: 'webp', kind: 'image' };
  if (ascii.startsWith('II*\u0000') || ascii.startsWith('MM\u0000*')) return { format: 'tiff', kind: 'image' };
  if (ascii.startsWith('{\\rtf')) return { format: 'rtf', kind: 'office' };
  const zip = ascii.startsWith('PK\u0003\u0004');
  if (zip && ['docx', 'xlsx', 'pptx', 'odt'].includes(ext)) return { format: ext, kind: 'office' };
  if (zip && contentType) {
    const byType: Record<string, string> = {
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
      'application/vnd.oasis.opendocument.text': 'odt',
    };
    const format = byType[contentType.split(';')[0]!.trim().toLowerCase()];
    if (format) return { format, kind: 'office' };
  }
  if (zip && head.includes(Buffer.from('word/'))) return { format: 'docx', kind: 'office' };
  const ole = head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0;
  if (ole && (ext === 'doc' || ext === '')) return { format: 'doc', kind: 'office' };
  if (!ole && !zip && (ext === 'txt' || contentType?.startsWith('text/plain')) && !head.includes(0)) {
    return { format: 'txt', kind: 'office' };
  }
  throw new UnsupportedFormat(ext || contentType || 'unknown');
}
