import { RestActivityStatus, RestUserDetail, RestUserSummary, UserStatus } from '@quire/contracts';
import { UserDirectoryEntry } from './users.repository';

const toRest: Record<UserStatus, RestActivityStatus> = { pending: 'Pending', active: 'Active', locked: 'Locked', disabled: 'Disabled' };

export function restActivityStatus(status: UserStatus): RestActivityStatus {
  return toRest[status];
}

export function userStatusOf(activityStatus: RestActivityStatus): UserStatus {
  return activityStatus.toLowerCase() as UserStatus;
}

/** OpenSpecimen's UserSummary: no nulls (its Jackson writes none), creationDate in epoch ms. */
export function restUserSummary(user: UserDirectoryEntry): RestUserSummary {
  return {
    id: user.id,
    firstName: user.firstName,
    lastName: user.lastName,
    loginName: user.loginName,
    domain: user.domainName,
    emailAddress: user.email,
    ...(user.instituteName !== null ? { instituteName: user.instituteName } : {}),
    admin: user.admin,
    activityStatus: restActivityStatus(user.status),
    creationDate: user.createdAt.getTime(),
  };
}

/** OpenSpecimen's UserDetail, as far as Quire keeps its fields. */
export function restUserDetail(user: UserDirectoryEntry): RestUserDetail {
  return {
    id: user.id,
    firstName: user.firstName,
    lastName: user.lastName,
    loginName: user.loginName,
    domainName: user.domainName,
    emailAddress: user.email,
    ...(user.instituteName !== null ? { instituteName: user.instituteName } : {}),
    ...(user.departmentName !== null ? { deptName: user.departmentName } : {}),
    admin: user.admin,
    activityStatus: restActivityStatus(user.status),
    creationDate: user.createdAt.getTime(),
  };
}
