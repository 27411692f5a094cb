import { DomainError, ErrorCode } from '@quire/errors';

interface FileTypeRule {
  /** What the upload pipeline's magic-byte detection must have found for this extension. */
  detected: string;
  /** The Content-Type the file is served with. */
  contentType: string;
}

/**
 * Extensions Quire knows, and what their bytes must look like. .docx / .xlsx are ZIP containers
 * (their parts are not opened here); .txt has no magic number: the gateway reports `text/plain`
 * for UTF-8 text without control characters.
 */
const rules: Record<string, FileTypeRule> = {
  jpg: { detected: 'image/jpeg', contentType: 'image/jpeg' },
  jpeg: { detected: 'image/jpeg', contentType: 'image/jpeg' },
  png: { detected: 'image/png', contentType: 'image/png' },
  gif: { detected: 'image/gif', contentType: 'image/gif' },
  webp: { detected: 'image/webp', contentType: 'image/webp' },
  pdf: { detected: 'application/pdf', contentType: 'application/pdf' },
  docx: { detected: 'application/zip', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  xlsx: { detected: 'application/zip', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  txt: { detected: 'text/plain', contentType: 'text/plain; charset=utf-8' },
};

/** Types sharp can resize. */
const RESIZABLE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export function isResizable(contentType: string): boolean {
  return RESIZABLE.has(contentType);
}

/** The lower-case extension of a file name, or '' when it has none. */
export function extensionOf(fileName: string): string {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(fileName);
  return match ? match[1]!.toLowerCase() : '';
}

/**
 * The stored content type for an upload whose extension is allowed and whose bytes match it;
 * a 400 otherwise. The declared Content-Type is never consulted.
 */
export function contentTypeFor(fileName: string, detectedType: string | undefined, allowed: ReadonlySet<string>): string {
  const ext = extensionOf(fileName);
  const rule = Object.hasOwn(rules, ext) ? rules[ext] : undefined;
  if (!rule || !allowed.has(ext)) {
    throw new DomainError(ErrorCode.InvalidFileType, `Files of type ".${ext || '(none)'}" are not accepted`, {
      ext,
      allowed: [...allowed],
    });
  }
  if (detectedType !== rule.detected) {
    throw new DomainError(ErrorCode.InvalidFileType, `The file's content does not match its extension ".${ext}"`, {
      ext,
      detectedType: detectedType ?? 'unknown',
    });
  }
  return rule.contentType;
}

/** Unknown extensions in FILE_ALLOWED_TYPES are a configuration mistake. */
export function knownExtensions(): string[] {
  return Object.keys(rules);
}
