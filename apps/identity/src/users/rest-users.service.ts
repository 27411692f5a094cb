import { Injectable } from '@nestjs/common';
import { isAdmin, requireDirectoryReader, Roles } from '@quire/auth';
import {
  Principal,
  REST_USERS_DEFAULT_MAX_RESULTS,
  RestUserDetail,
  RestUsersCountQuery,
  RestUsersListQuery,
  RestUserSummary,
  UpdateRestUserRequest,
  UserStatus,
  UserStatuses,
} from '@quire/contracts';
import { Outbox } from '@quire/platform';
import { RestUserErrors } from './rest-user-errors';
import { restUserDetail, restUserSummary } from './rest-user-views';
import { UpdateUserUseCase } from './update-user.use-case';
import { UserDirectoryFilter } from './user-directory-query';
import { UsersRepository } from './users.repository';

/** Without `activityStatus`, OpenSpecimen leaves out closed users; Quire's nearest is `disabled`. */
const DEFAULT_STATUSES: readonly UserStatus[] = UserStatuses.filter((status) => status !== 'disabled');

/** The rest-auth users resource (OpenSpecimen's `/users`): every read and write within the caller's account. */
@Injectable()
export class RestUsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly updateUser: UpdateUserUseCase,
    private readonly outbox: Outbox,
  ) {}

  async search(principal: Principal, query: RestUsersListQuery): Promise<RestUserSummary[]> {
    requireDirectoryReader(principal);
    const entries = await this.users.searchDirectory(principal, filterOf(principal, query), Roles.Admin, query.start ?? 0, query.maxResults ?? REST_USERS_DEFAULT_MAX_RESULTS);
    return entries.map(restUserSummary);
  }

  async count(principal: Principal, query: RestUsersCountQuery): Promise<{ count: number }> {
    requireDirectoryReader(principal);
    return { count: await this.users.countDirectory(principal, filterOf(principal, query)) };
  }

  async detail(principal: Principal, userId: string): Promise<RestUserDetail> {
    requireDirectoryReader(principal);
    const user = await this.users.directoryEntry(principal, userId, Roles.Admin);
    if (!user) throw RestUserErrors.notFound();
    return restUserDetail(user);
  }

  /** Whoever the credential is, with no role needed: a client asks this first after logging in. */
  async current(principal: Principal): Promise<RestUserSummary> {
    const user = await this.users.directoryEntry(principal, principal.userId, Roles.Admin);
    if (!user) throw RestUserErrors.notFound();
    return restUserSummary(user);
  }

  async update(principal: Principal, request: UpdateRestUserRequest): Promise<RestUserDetail> {
    await this.updateUser.execute({ principal, request });
    await this.outbox.flush();
    const user = await this.users.directoryEntry(principal, request.userId, Roles.Admin);
    if (!user) throw RestUserErrors.notFound();
    return restUserDetail(user);
  }
}

function filterOf(principal: Principal, query: RestUsersCountQuery): UserDirectoryFilter {
  const status = query.activityStatus?.toLowerCase();
  return {
    search: query.searchString?.trim() || undefined,
    name: query.name?.trim() || undefined,
    loginName: query.loginName?.trim() || undefined,
    institute: query.institute || undefined,
    domainName: query.domainName || undefined,
    statuses: status === 'all' ? undefined : status ? [status as UserStatus] : DEFAULT_STATUSES,
    sameInstituteAs: query.listAll === false && !isAdmin(principal) ? principal.userId : undefined,
  };
}
