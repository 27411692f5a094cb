/** Requests the identity service answers (`svc.identity.<resource>.<verb>`). */
export const IdentitySubjects = {
  /** POST /rest/ng/sessions: log in (no principal). */
  login: 'svc.identity.session.create',
  /** DELETE /rest/ng/sessions: revoke the caller's login session. */
  logout: 'svc.identity.session.revoke',
  /** Gateway: is this login session live, and who is it? (no principal) */
  resolveSession: 'svc.identity.session.resolve',
  /** Gateway: whose API token is this? (no principal) */
  resolveApiToken: 'svc.identity.api_token.resolve',
  createApiToken: 'svc.identity.api_token.create',
  listApiTokens: 'svc.identity.api_token.list',
  revokeApiToken: 'svc.identity.api_token.revoke',
  listUsers: 'svc.identity.user.list',
  getUser: 'svc.identity.user.get',
  getUserByEmail: 'svc.identity.user.get_by_email',
  /** Services: which of these user ids are users of the caller's account? */
  knownUsers: 'svc.identity.user.known',
  createUsers: 'svc.identity.user.create',
  setUserStatus: 'svc.identity.user.set_status',
  /** rest-auth users resource (OpenSpecimen's UserSummary / UserDetail shapes; ADR 016). */
  searchRestUsers: 'svc.identity.user.search',
  countRestUsers: 'svc.identity.user.count',
  getRestUser: 'svc.identity.user.detail',
  currentRestUser: 'svc.identity.user.current',
  updateRestUser: 'svc.identity.user.update',
  /** Admin: give a user one of the account's roles (idempotent) / take it away. */
  grantRole: 'svc.identity.user_role.grant',
  revokeRole: 'svc.identity.user_role.revoke',
  signUp: 'svc.identity.user.sign_up',
  forgotPassword: 'svc.identity.user.forgot_password',
  resetPassword: 'svc.identity.user.reset_password',
  listRoles: 'svc.identity.role.list',
  listTeams: 'svc.identity.team.list',
  createTeam: 'svc.identity.team.create',
  listTeamMembers: 'svc.identity.team_member.list',
  addTeamMember: 'svc.identity.team_member.add',
  removeTeamMember: 'svc.identity.team_member.remove',
  listInstitutes: 'svc.identity.institute.list',
  getInstituteByName: 'svc.identity.institute.get_by_name',
  localeSettings: 'svc.identity.settings.locale',
  appProps: 'svc.identity.settings.app_props',
  listAuthDomains: 'svc.identity.auth_domain.list',
} as const;

/** Events the identity service publishes after commit (`evt.identity.<event>`). */
export const IdentityEvents = {
  /** A login session ended (logout, disable): every gateway drops it from its cache. */
  sessionRevoked: 'evt.identity.session_revoked',
  /** An API token was deleted. */
  tokenRevoked: 'evt.identity.token_revoked',
  /** A user was locked or disabled: all their sessions and tokens stop working. */
  userDisabled: 'evt.identity.user_disabled',
  /** A user's profile or roles changed: every gateway drops the principals it cached for them. */
  userChanged: 'evt.identity.user_changed',
  /** A mail to send (through the outbox); carries the reset token, so it never goes to a room. */
  mailRequested: 'evt.identity.mail_requested',
} as const;

export interface SessionRevokedEvent {
  accountId: string;
  userId: string;
  sessionId: string;
}

export interface TokenRevokedEvent {
  accountId: string;
  userId: string;
  tokenId: string;
}

export interface UserDisabledEvent {
  accountId: string;
  userId: string;
  status: string;
}

export interface UserChangedEvent {
  accountId: string;
  userId: string;
  /** Present when the change was to the user's roles: the roles now held. */
  roles?: string[];
}

export interface MailRequestedEvent {
  accountId: string;
  template: 'reset-password' | 'sign-up-received';
  to: string;
  loginName: string;
  /** Template values; `resetToken` is secret and never logged in production. */
  values: Record<string, string>;
}
