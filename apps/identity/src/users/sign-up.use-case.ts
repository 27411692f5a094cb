import { Injectable } from '@nestjs/common';
import { Roles } from '@quire/auth';
import { SignUpRequest } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Transactional } from '@quire/platform';
import { AccountsRepository } from '../accounts/accounts.repository';
import { DirectoryRepository } from '../directory/directory.repository';
import { conflictFor } from './user-conflicts';
import { uniqueViolation, UsersRepository } from './users.repository';

/** A pending user of a public account; an admin approves (status active) or rejects (status disabled). Answers its id. */
@Injectable()
export class SignUpUseCase {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly directory: DirectoryRepository,
    private readonly users: UsersRepository,
  ) {}

  @Transactional()
  async execute({ request, passwordHash }: { request: SignUpRequest; passwordHash: string }): Promise<string> {
    const account = await this.accounts.requirePublic(request.accountCode);
    const scope = { accountId: account.id };
    const domain = await this.accounts.domain(scope);
    if (!domain) throw DomainError.notFound('Authentication domain');
    const institute = request.instituteName ? await this.directory.institute(scope, request.instituteName) : undefined;
    if (request.instituteName && !institute) throw DomainError.validation('Unknown institute', { fields: { instituteName: ['unknown'] } });
    return this.users
      .insert(
        scope,
        {
          domainId: domain.id,
          loginName: request.loginName,
          email: request.emailAddress,
          firstName: request.firstName,
          lastName: request.lastName,
          status: 'pending',
          passwordHash,
          instituteId: institute?.id ?? null,
          departmentName: request.deptName ?? null,
        },
        [Roles.User],
      )
      .catch((error: unknown) => {
        const constraint = uniqueViolation(error);
        throw constraint ? conflictFor(constraint) : error;
      });
  }
}
