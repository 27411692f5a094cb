import { Injectable } from '@nestjs/common';
import { requireUserAdmin, Roles } from '@quire/auth';
import { IdentityEvents, Principal, UserRoleRequest, UserChangedEvent, UserView } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Outbox, Transactional } from '@quire/platform';
import { UsersRepository, userView } from './users.repository';

export interface SetUserRoleCommand {
  principal: Principal;
  request: UserRoleRequest;
  grant: boolean;
}

/**
 * An admin gives a user one of the account's roles (`report_editor` for takeovers, ADR 018) or
 * takes it away; idempotent like team membership. A change is announced (outbox) so that every
 * gateway drops the user's cached principals and the new roles count at once.
 */
@Injectable()
export class SetUserRoleUseCase {
  constructor(
    private readonly users: UsersRepository,
    private readonly outbox: Outbox,
  ) {}

  @Transactional()
  async execute({ principal, request, grant }: SetUserRoleCommand): Promise<UserView> {
    requireUserAdmin(principal);
    const user = await this.users.byId(principal, request.userId);
    if (!user) throw DomainError.notFound('User');
    if ((await this.users.unknownRoles(principal, [request.role])).length) throw DomainError.notFound('Role');
    if (!grant && request.role === Roles.Admin && request.userId === principal.userId) {
      throw DomainError.validation('Admins cannot take their own admin role away');
    }
    if (grant) await this.users.grantRoles(principal, user.id, [request.role]);
    else await this.users.revokeRole(principal, user.id, request.role);
    const updated = (await this.users.byId(principal, user.id))!;
    if (updated.roles.join() !== user.roles.join()) {
      const event: UserChangedEvent = { accountId: principal.accountId, userId: user.id, roles: updated.roles };
      await this.outbox.record(IdentityEvents.userChanged, event);
    }
    return userView(updated);
  }
}
