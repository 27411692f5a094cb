import { StagedUpload } from '@quire/contracts';
import { FileSignature } from './file-signatures';

/** One expected file field of a multipart upload. */
export interface FileFieldSpec {
  /** Largest accepted file; one byte more is a 413. */
  maxBytes: number;
  /** A missing required file is a 400. Defaults to true. */
  required?: boolean;
  /** Checked on the first bytes (up to 4 KiB) before the rest is accepted. */
  signature: FileSignature;
  /** What the field should hold, for error messages: e.g. "a Word document (.docx)". */
  description: string;
}

/** One allowed text field. */
export interface TextFieldSpec {
  /** Longest accepted value in characters. */
  maxLength: number;
  /** Defaults to false. */
  required?: boolean;
}

/** What a route accepts: only these fields, each at most once. */
export interface UploadSpec {
  files: Record<string, FileFieldSpec>;
  fields?: Record<string, TextFieldSpec>;
}

/** Staged files travel to services in commit requests: the type lives in the contracts. */
export type { StagedUpload } from '@quire/contracts';

export interface ReceivedUpload {
  files: StagedUpload[];
  fields: Record<string, string>;
}
