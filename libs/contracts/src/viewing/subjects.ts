/** Requests the viewing-session service answers (`svc.viewing-session.<resource>.<verb>`). */
export const ViewingSubjects = {
  createSession: 'svc.viewing-session.sessions.create',
  deleteSession: 'svc.viewing-session.sessions.delete',
  /** May a SourceFile be put into this session (and which slot)? Answers the object key to stream to. */
  reserveSourceFile: 'svc.viewing-session.source_files.reserve',
  /** The bytes are in S3 at the reserved key: record them as the slot's source. */
  commitSourceFile: 'svc.viewing-session.source_files.commit',
  /** Where the session's source bytes are (for GET SourceFile). */
  getSourceFile: 'svc.viewing-session.source_files.get',
  documentAttributes: 'svc.viewing-session.pages.document_attributes',
  pageAttributes: 'svc.viewing-session.pages.page_attributes',
  pageImage: 'svc.viewing-session.pages.image',
  text: 'svc.viewing-session.pages.text',
  /** What the browser viewer needs before its first page: the session's kind (single | comparison). */
  viewerSession: 'svc.viewing-session.pages.viewer_session',
  /** A comparison session's changes, paged (`GET /pas/v2/viewingSessions/{id}/revisionData`). */
  revisionData: 'svc.viewing-session.comparisons.revision_data',
  /** An `Accusoft-Secret` header value → the principal of its account (the gateway caches it). */
  resolveSecret: 'svc.viewing-session.secrets.resolve',
  /** Creates the account's secret, or replaces it (the old one stops working at once). Admins only. */
  rotateSecret: 'svc.viewing-session.secrets.rotate',
  /** Removes the account's secret. Admins only. */
  revokeSecret: 'svc.viewing-session.secrets.revoke',
  secretStatus: 'svc.viewing-session.secrets.status',
  /** `POST /pas/v2/viewingPackageCreators`: starts a package (document) or waits for its SourceFile (upload). */
  createPackage: 'svc.viewing-session.packages.create',
  /** State of a package creator process. */
  packageProcess: 'svc.viewing-session.packages.process',
  /** May the SourceFile of an upload package creator be put? Answers the object key to stream to. */
  reservePackageSourceFile: 'svc.viewing-session.packages.reserve_source_file',
  /** The bytes are in S3 at the reserved key: the package's rendition starts. */
  commitPackageSourceFile: 'svc.viewing-session.packages.commit_source_file',
  getPackage: 'svc.viewing-session.packages.get',
  deletePackage: 'svc.viewing-session.packages.delete',
} as const;

/** Events of the viewing-session service. */
export const ViewingEvents = {
  /** A secret was rotated or revoked: gateways drop the cached principal of that secret id. */
  secretRevoked: 'evt.viewing-session.secret_revoked',
} as const;

/**
 * `document` sources: each service that owns documents answers for its own (a small handler in
 * `apps/<service>/src/viewing/`). The principal header carries the caller's account.
 */
export const ViewingSourceSubjects = {
  file: 'svc.file.viewing_source.resolve',
  labReport: 'svc.edit-session.viewing_source.resolve',
  documentRepository: 'svc.document-repository.viewing_source.resolve',
} as const;
