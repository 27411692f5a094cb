import { Injectable } from '@nestjs/common';
import { requireDirectoryReader } from '@quire/auth';
import { CreateUserBody, KnownUsersReply, ListUsersQuery, UserRoleRequest, Page, Principal, SetUserStatusRequest, UserStatusReply, UserView } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Outbox } from '@quire/platform';
import { CreateUsersUseCase } from './create-users.use-case';
import { SetUserRoleUseCase } from './set-user-role.use-case';
import { SetUserStatusUseCase } from './set-user-status.use-case';
import { UsersRepository, userView } from './users.repository';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly createUsers: CreateUsersUseCase,
    private readonly setUserStatus: SetUserStatusUseCase,
    private readonly setUserRole: SetUserRoleUseCase,
    private readonly outbox: Outbox,
  ) {}

  async list(principal: Principal, query: ListUsersQuery): Promise<Page<UserView>> {
    requireDirectoryReader(principal);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const { items, total } = await this.users.page(principal, page, pageSize, query.createdAfter);
    return { items: items.map(userView), page, pageSize, total };
  }

  async get(principal: Principal, userId: string): Promise<UserView> {
    requireDirectoryReader(principal);
    const user = await this.users.byId(principal, userId);
    if (!user) throw DomainError.notFound('User');
    return userView(user);
  }

  /**
   * Which ids are users of the caller's account (for services that link to users: file shares and
   * targets). Answers ids only, for the caller's own account, so it needs no directory role.
   */
  async known(principal: Principal, userIds: string[]): Promise<KnownUsersReply> {
    const known = new Set(await this.users.existingIds(principal, userIds));
    return { known: userIds.filter((id) => known.has(id)) };
  }

  async byEmail(principal: Principal, email: string): Promise<UserView> {
    requireDirectoryReader(principal);
    const user = await this.users.byEmail(principal, email);
    if (!user) throw DomainError.notFound('User');
    return userView(user);
  }

  async create(principal: Principal, bodies: CreateUserBody[]): Promise<UserView[]> {
    const ids = await this.createUsers.execute({ principal, users: bodies });
    const views: UserView[] = [];
    for (const id of ids) views.push(userView((await this.users.byId(principal, id))!));
    return views;
  }

  async setRole(principal: Principal, request: UserRoleRequest, grant: boolean): Promise<UserView> {
    const view = await this.setUserRole.execute({ principal, request, grant });
    await this.outbox.flush();
    return view;
  }

  async setStatus(principal: Principal, request: SetUserStatusRequest): Promise<UserStatusReply> {
    await this.setUserStatus.execute({ principal, request });
    await this.outbox.flush();
    return { id: request.userId, status: request.status };
  }
}
