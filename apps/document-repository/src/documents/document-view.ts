import { DocumentView, VersionView } from '@quire/contracts';
import { iso } from '../shared/pages';
import { DocumentVersion, StoredDocument } from './documents.repository';

export function versionView(version: DocumentVersion): VersionView {
  return {
    id: version.id,
    number: version.number,
    size: Number(version.size),
    sha256: version.sha256,
    contentType: version.contentType,
    uploadedBy: version.uploadedBy,
    createdAt: iso(version.createdAt),
  };
}

export function documentView(document: StoredDocument, fields?: Record<string, unknown>): DocumentView {
  return {
    id: document.id,
    projectId: document.projectId,
    name: document.name,
    folderId: document.folderId,
    contentType: document.contentType,
    version: versionView(document.version),
    ...(fields ? { fields } : {}),
    createdBy: document.createdBy,
    createdAt: iso(document.createdAt),
    updatedAt: iso(document.updatedAt),
  };
}

/** A document name from an uploaded file name: no path, no control characters, bounded. */
export function documentNameOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
}

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

/** What the bytes show when the gateway recognised them, else the client's type when well formed. */
export function contentTypeOf(detected: string | undefined, declared: string | undefined): string {
  if (detected && MIME.test(detected)) return detected;
  if (declared && MIME.test(declared)) return declared.toLowerCase();
  return 'application/octet-stream';
}

export const objectKeyOf = (accountId: string, projectId: string, documentId: string, versionId: string): string =>
  `docrepo/${accountId}/${projectId}/${documentId}/${versionId}`;
