import { ReceivedFile, UploadReservation } from '@quire/contracts';
import { FileSignature } from './file-signatures';

/** One expected file field of a multipart upload. */
export interface FileFieldSpec {
  /**
   * Largest accepted file; one byte more is a 413. On a reserved upload the reservation's limit
   * for the field is used instead (the owning service decides).
   */
  maxBytes?: number;
  /**
   * A tighter limit that depends on text fields read before this file (e.g. the file route's
   * category); undefined keeps the field's limit. A text field that comes after the file cannot
   * tighten it while streaming (the service checks it at commit), so a route whose limit depends
   * on a field should answer its tightest limit while that field is unknown, with a `reason`
   * that tells the client to send the field first.
   */
  maxBytesFor?: (fieldsSoFar: Readonly<Record<string, string>>) => number | { maxBytes: number; reason: string } | undefined;
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

/** Received files travel to services in commit requests: the type lives in the contracts. */
export type { ReceivedFile } from '@quire/contracts';

export interface ReceivedUpload {
  files: ReceivedFile[];
  fields: Record<string, string>;
}

/**
 * A route that uploads under a reservation (DESIGN.md "Big payloads never cross NATS"): how to
 * ask the owning service for it (principal checked, keys and limits answered), what the body may
 * hold, and how to commit what was written. The gateway part of a new upload route is only this.
 */
export interface ReservedUploadRoute<R extends UploadReservation, T> {
  /** The preflight: sends the service's reservation request. */
  reserve: () => Promise<R>;
  /** The fields and signatures; file limits come from the reservation. */
  spec: (reservation: R) => UploadSpec;
  /** Sends the commit naming `reservation.reservationId`; retried on a timeout (it is idempotent). */
  commit: (reservation: R, received: ReceivedUpload) => Promise<T>;
}
