import { Injectable } from '@nestjs/common';
import { isAdmin, Roles } from '@quire/auth';
import { IdentityEvents, Principal, UpdateRestUserRequest, UserChangedEvent } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Outbox, Transactional } from '@quire/platform';
import { DirectoryRepository } from '../directory/directory.repository';
import { RestUserErrors } from './rest-user-errors';
import { userStatusOf } from './rest-user-views';
import { SetUserStatusUseCase } from './set-user-status.use-case';
import { UserDirectoryEntry, UserProfile, uniqueViolation, UsersRepository } from './users.repository';

export interface UpdateUserCommand {
  principal: Principal;
  request: UpdateRestUserRequest;
}

/**
 * `PUT /rest/ng/users/{id}`. Anyone may update their own profile (names, email, institute,
 * department); only an admin may update another user of the account, change a login name, the
 * admin flag or the activity status. A field sent with its current value is no change, so a
 * client can send back the UserDetail it read. An admin cannot drop their own admin role or
 * change their own status (the account would lose its last way in). Status changes go through
 * SetUserStatusUseCase (sessions revoked, events), in the same transaction.
 */
@Injectable()
export class UpdateUserUseCase {
  constructor(
    private readonly users: UsersRepository,
    private readonly directory: DirectoryRepository,
    private readonly setUserStatus: SetUserStatusUseCase,
    private readonly outbox: Outbox,
  ) {}

  @Transactional()
  async execute({ principal, request }: UpdateUserCommand): Promise<void> {
    const user = await this.users.directoryEntry(principal, request.userId, Roles.Admin, true);
    if (!user) throw RestUserErrors.notFound();
    const admin = isAdmin(principal);
    const self = user.id === principal.userId;
    if (!admin && !self) throw RestUserErrors.accessDenied('Only admins update other users');
    if (request.id !== undefined && request.id !== null && request.id !== user.id) {
      throw DomainError.validation('id does not match the path', { fields: { id: ['must be the id in the path'] } });
    }
    if (request.domainName != null && request.domainName !== user.domainName) throw RestUserErrors.domainChangeNotAllowed();

    const profile = await this.profileOf(principal, user, request, admin);
    const wantsAdmin = request.admin ?? user.admin;
    if (wantsAdmin !== user.admin) {
      if (!admin) throw RestUserErrors.adminRightsRequired('Only admins grant or remove the admin role');
      if (self) throw DomainError.validation('Admins cannot remove their own admin role', { fields: { admin: ['cannot change your own'] } });
    }
    const status = request.activityStatus != null ? userStatusOf(request.activityStatus) : user.status;
    if (status !== user.status) {
      if (!admin) throw RestUserErrors.adminRightsRequired("Only admins change a user's activity status");
      if (self) throw RestUserErrors.statusChangeNotAllowed('Admins cannot change their own activity status');
      if (status === 'pending') throw RestUserErrors.statusChangeNotAllowed('A user cannot be made Pending again');
    }

    const profileChanged = (Object.keys(profile) as Array<keyof UserProfile>).some((key) => profile[key] !== user[key]);
    if (profileChanged) {
      await this.users.updateProfile(principal, user.id, profile).catch((error: unknown) => {
        const constraint = uniqueViolation(error);
        if (!constraint) throw error;
        throw constraint.includes('email') ? RestUserErrors.duplicateEmail() : RestUserErrors.duplicateLoginName();
      });
    }
    if (wantsAdmin !== user.admin) {
      if (wantsAdmin) await this.users.grantRoles(principal, user.id, [Roles.Admin]);
      else await this.users.revokeRole(principal, user.id, Roles.Admin);
    }
    if (status !== user.status) await this.setUserStatus.execute({ principal, request: { userId: user.id, status: status as 'active' | 'locked' | 'disabled' } });
    if (profileChanged || wantsAdmin !== user.admin) {
      const event: UserChangedEvent = { accountId: principal.accountId, userId: user.id };
      await this.outbox.record(IdentityEvents.userChanged, event);
    }
  }

  /** The profile after the update: what was sent, else what is there. */
  private async profileOf(principal: Principal, user: UserDirectoryEntry, request: UpdateRestUserRequest, admin: boolean): Promise<UserProfile> {
    const loginName = request.loginName ?? user.loginName;
    if (loginName !== user.loginName && !admin) throw RestUserErrors.adminRightsRequired('Only admins change a login name');
    let instituteId = user.instituteId;
    if (request.instituteName === null) instituteId = null;
    else if (request.instituteName !== undefined && request.instituteName !== user.instituteName) {
      const institute = await this.directory.institute(principal, request.instituteName);
      if (!institute) throw RestUserErrors.instituteNotFound();
      instituteId = institute.id;
    }
    return {
      loginName,
      email: request.emailAddress,
      firstName: request.firstName,
      lastName: request.lastName,
      instituteId,
      departmentName: request.deptName === undefined ? user.departmentName : request.deptName,
    };
  }
}
