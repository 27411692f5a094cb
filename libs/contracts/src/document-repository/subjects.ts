/** Requests the document-repository service answers (`svc.document-repository.<resource>.<verb>`). */
export const DocumentRepositorySubjects = {
  createProject: 'svc.document-repository.project.create',
  listProjects: 'svc.document-repository.project.list',
  getProject: 'svc.document-repository.project.get',
  updateProject: 'svc.document-repository.project.update',
  listProjectTeams: 'svc.document-repository.project_team.list',
  getProjectTeam: 'svc.document-repository.project_team.get',
  putProjectTeam: 'svc.document-repository.project_team.put',
  deleteProjectTeam: 'svc.document-repository.project_team.delete',
  listProjectUsers: 'svc.document-repository.project_user.list',
  putProjectUser: 'svc.document-repository.project_user.put',
  deleteProjectUser: 'svc.document-repository.project_user.delete',
  listTemplates: 'svc.document-repository.template.list',
  createTemplate: 'svc.document-repository.template.create',
  listFolders: 'svc.document-repository.folder.list',
  createFolder: 'svc.document-repository.folder.create',
  getFolderByName: 'svc.document-repository.folder.get_by_name',
  deleteFolder: 'svc.document-repository.folder.delete',
  listFields: 'svc.document-repository.field.list',
  createField: 'svc.document-repository.field.create',
  putFieldValue: 'svc.document-repository.field_value.put',
  /** The upload's preflight: may this principal upload here? Answers an upload reservation (key, limit). Asked before the body is read. */
  reserveUpload: 'svc.document-repository.upload.reserve',
  /** Records what the gateway wrote under a reservation as a new document (once per reservation). */
  commitDocument: 'svc.document-repository.document.commit',
  /** Records what the gateway wrote under a reservation as the next version of a document. */
  commitVersion: 'svc.document-repository.version.commit',
  listDocuments: 'svc.document-repository.document.list',
  getDocument: 'svc.document-repository.document.get',
  updateDocument: 'svc.document-repository.document.update',
  moveDocument: 'svc.document-repository.document.move',
  deleteDocument: 'svc.document-repository.document.delete',
  listVersions: 'svc.document-repository.version.list',
  deleteVersion: 'svc.document-repository.version.delete',
  /** The object key and headers of a version's bytes (the gateway streams them from S3). */
  resolveContent: 'svc.document-repository.content.resolve',
} as const;

/** Events the document-repository publishes through its outbox (ids only). */
export const DocumentRepositoryEvents = {
  documentCreated: 'evt.document-repository.document_created',
  versionAdded: 'evt.document-repository.version_added',
  documentMoved: 'evt.document-repository.document_moved',
  documentDeleted: 'evt.document-repository.document_deleted',
  /** Not in the list; published so viewing can drop packages of a deleted version. */
  versionDeleted: 'evt.document-repository.version_deleted',
} as const;

/** Payload of every document event: ids only (consumers read what they need). */
export interface DocumentEvent {
  accountId: string;
  projectId: string;
  documentId: string;
  versionId?: string;
  folderId?: string | null;
}
