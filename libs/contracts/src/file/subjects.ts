/** Requests the file service answers (`svc.file.<resource>.<verb>`). */
export const FileSubjects = {
  /** An upload reservation (FileUploadReservation): the key and limits. Asked before the body is read. */
  preflight: 'svc.file.files.preflight',
  /** Records the file written to a reservation (idempotent per reservation). */
  commit: 'svc.file.files.commit',
  get: 'svc.file.files.get',
  list: 'svc.file.files.list',
  rename: 'svc.file.files.rename',
  delete: 'svc.file.files.delete',
  share: 'svc.file.files.share',
  /** Checks a signed view link against the live row; answers the object key to stream (no bytes). */
  view: 'svc.file.views.resolve',
} as const;

/** Events the file service publishes after commit. */
export const FileEvents = {
  created: 'evt.file.created',
  deleted: 'evt.file.deleted',
} as const;
