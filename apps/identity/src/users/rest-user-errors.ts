import { DomainError } from '@quire/errors';

/**
 * The users resource's errors with OpenSpecimen's codes (`details.restAuthCode`, which the
 * rest-auth mapper writes as `code`); the status comes from the stable code (ADR 016).
 */
export const RestUserErrors = {
  notFound: () => DomainError.notFound('User', { restAuthCode: 'USER_NOT_FOUND' }),
  accessDenied: (message: string) => DomainError.forbidden(message, { restAuthCode: 'RBAC_ACCESS_DENIED' }),
  adminRightsRequired: (message: string) => DomainError.forbidden(message, { restAuthCode: 'RBAC_ADMIN_RIGHTS_REQUIRED' }),
  duplicateEmail: () => DomainError.conflict('A user with this email address already exists', { field: 'emailAddress', restAuthCode: 'USER_DUP_EMAIL' }),
  duplicateLoginName: () => DomainError.conflict('A user with this login name already exists', { field: 'loginName', restAuthCode: 'USER_DUP_LOGIN_NAME' }),
  domainChangeNotAllowed: () =>
    DomainError.validation('The authentication domain of a user cannot be changed', { fields: { domainName: ['read-only'] }, restAuthCode: 'USER_DOMAIN_CHANGE_NOT_ALLOWED' }),
  statusChangeNotAllowed: (message: string) => DomainError.validation(message, { fields: { activityStatus: ['not allowed'] }, restAuthCode: 'USER_STATUS_CHANGE_NOT_ALLOWED' }),
  instituteNotFound: () => DomainError.validation('Unknown institute', { fields: { instituteName: ['unknown'] }, restAuthCode: 'INSTITUTE_NOT_FOUND' }),
} as const;
