import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '@quire/errors';

/** Account ids come from identity; keep keys to a safe alphabet whatever they contain. */
function segment(value: string): string {
  return encodeURIComponent(value).replace(/%/g, '_');
}

export const StorageKeys = {
  template: (accountId: string): string => `edit-session/${segment(accountId)}/templates/${randomUUID()}.docx`,
  version: (accountId: string, labReportId: string, kind: 'docx' | 'pdf', stem: string): string =>
    `edit-session/${segment(accountId)}/reports/${labReportId}/versions/${stem}.${kind}`,
};

/** `s3://bucket/key`, the spec's way to name an object. */
export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** The key of an `s3://bucket/key` URI in our bucket; anything else is a 400. */
export function keyOfS3Uri(bucket: string, uri: string): string {
  const prefix = `s3://${bucket}/`;
  if (!uri.startsWith(prefix) || uri.length === prefix.length) {
    throw new DomainError(ErrorCode.BadRequest, 'word_s3_filepath is not an object of this account', { reason: 'word_s3_filepath is not an object of this account' });
  }
  return uri.slice(prefix.length);
}

export const newVersionStem = (): string => randomUUID();
