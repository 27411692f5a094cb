import { buildDocx, buildZipOf } from '@quire/testing';

/** Test documents of the agent: the shared fixtures of libs/testing under the agent's names. */
export const zip = buildZipOf;

/** A minimal valid .docx with one paragraph per line of `text`. */
export function makeDocx(text: string): Buffer {
  return buildDocx(text);
}
