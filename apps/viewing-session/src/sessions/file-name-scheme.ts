import { ViewingSourceSubjects } from '@quire/contracts';

/**
 * What a `document` source's `fileName` names (README "fileName"):
 *
 *   docrepo:<documentId>            a document-repository document, its current version
 *   docrepo:<documentId>@<n>        version n of it
 *   labreport:<reportId>            a lab report, its latest saved version (edit-session)
 *   labreport:<reportId>@<n>        version n of it
 *   file:<fileId>                   a file of the file service
 *
 * Anything else names nothing (→ 404 DocumentNotFound, like a well-formed name that is missing).
 */
export interface DocumentReference {
  subject: string;
  id: string;
  version?: number;
}

const SCHEME = /^(docrepo|labreport|file):([A-Za-z0-9_-]{1,64})(?:@([1-9][0-9]{0,8}))?$/;

const subjects = {
  docrepo: ViewingSourceSubjects.documentRepository,
  labreport: ViewingSourceSubjects.labReport,
  file: ViewingSourceSubjects.file,
} as const;

export function parseFileName(fileName: string): DocumentReference | undefined {
  const match = SCHEME.exec(fileName.trim());
  if (!match) return undefined;
  const [, scheme, id, version] = match as unknown as [string, keyof typeof subjects, string, string | undefined];
  // Files have no versions.
  if (scheme === 'file' && version !== undefined) return undefined;
  return { subject: subjects[scheme], id, ...(version !== undefined ? { version: Number(version) } : {}) };
}
