import { systemSubjects } from '../subjects';

/** Requests the edit-session service answers (`svc.edit-session.<resource>.<verb>`). */
export const EditSessionSubjects = {
  ...systemSubjects('edit-session'),
  createReport: 'svc.edit-session.reports.create',
  listReports: 'svc.edit-session.reports.list',
  /** May this user upload a template now? Answers a reservation of its final key. */
  reserveTemplateUpload: 'svc.edit-session.templates.reserve',
  /** Commit of a template .docx the gateway wrote to its reserved key. */
  createTemplate: 'svc.edit-session.templates.create',
  listTemplates: 'svc.edit-session.templates.list',
  getActiveSession: 'svc.edit-session.sessions.get',
  startSession: 'svc.edit-session.sessions.start',
  endSession: 'svc.edit-session.sessions.end',
  takeOverSession: 'svc.edit-session.sessions.takeover',
  /** The agent renews its session's lease. */
  keepAlive: 'svc.edit-session.sessions.keepalive',
  /** May this agent upload to this session now? Asked before any byte is staged. */
  preflightUpload: 'svc.edit-session.versions.preflight',
  commitVersion: 'svc.edit-session.versions.commit',
  listVersions: 'svc.edit-session.versions.list',
  /** A short presigned GET URL of one version's .docx or .pdf. */
  versionFileUrl: 'svc.edit-session.versions.file-url',
} as const;

/** Events the service publishes after commit; each is a RoomEvent for `external_edit_<lab_report_id>`. */
export const EditSessionEvents = {
  sessionCreated: 'evt.edit-session.session_created',
  sessionEnded: 'evt.edit-session.session_ended',
  authorshipChanged: 'evt.edit-session.authorship_changed',
  filesUploaded: 'evt.edit-session.files_uploaded',
} as const;

/** The WebSocket room of one lab report (word-edit spec "WebSocket Integration"). */
export function externalEditRoom(labReportId: number | string): string {
  return `external_edit_${labReportId}`;
}
