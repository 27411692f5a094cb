import { Injectable } from '@nestjs/common';
import { requireUserAdmin, Roles } from '@quire/auth';
import { CreateUserBody, Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Transactional } from '@quire/platform';
import { AccountsRepository } from '../accounts/accounts.repository';
import { conflictFor } from './user-conflicts';
import { uniqueViolation, UsersRepository } from './users.repository';

export interface CreateUsersCommand {
  principal: Principal;
  users: CreateUserBody[];
}

/**
 * Admins add users, all or none. They start active without a password: they set one through
 * forgot-password. Answers the new ids in the order given.
 */
@Injectable()
export class CreateUsersUseCase {
  constructor(
    private readonly users: UsersRepository,
    private readonly accounts: AccountsRepository,
  ) {}

  @Transactional()
  async execute({ principal, users }: CreateUsersCommand): Promise<string[]> {
    requireUserAdmin(principal);
    if (!users.length) throw DomainError.validation('No users given');
    const unknown = await this.users.unknownRoles(principal, [...new Set(users.flatMap((b) => b.roles ?? []))]);
    if (unknown.length) throw DomainError.validation(`Unknown role: ${unknown.join(', ')}`, { fields: { roles: unknown } });
    const domain = await this.accounts.domain(principal);
    if (!domain) throw DomainError.notFound('Authentication domain');
    const ids: string[] = [];
    for (const body of users) {
      ids.push(
        await this.users
          .insert(
            principal,
            {
              domainId: domain.id,
              loginName: body.loginName ?? body.email,
              email: body.email,
              firstName: body.firstName,
              lastName: body.lastName,
              status: 'active',
              passwordHash: null,
            },
            body.roles ?? [Roles.User],
          )
          .catch((error: unknown) => {
            const constraint = uniqueViolation(error);
            throw constraint ? conflictFor(constraint) : error;
          }),
      );
    }
    return ids;
  }
}
