import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateUsersRequest,
  ForgotPasswordRequest,
  KnownUsersReply,
  KnownUsersRequest,
  ListUsersQuery,
  Page,
  Principal,
  ResetPasswordRequest,
  RestUserDetail,
  RestUsersCountQuery,
  RestUsersListQuery,
  RestUserSummary,
  UpdateRestUserRequest,
  SetUserStatusRequest,
  SignUpRequest,
  Subjects,
  UserByEmailQuery,
  UserIdRequest,
  UserRoleRequest,
  UserStatusReply,
  UserView,
} from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { RestUsersService } from './rest-users.service';
import { SelfServiceService } from './self-service.service';
import { UsersService } from './users.service';

@Controller()
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly selfService: SelfServiceService,
    private readonly restUsers: RestUsersService,
  ) {}

  // rest-auth users resource (OpenSpecimen shapes)

  @MessagePattern(Subjects.Identity.searchRestUsers)
  searchRest(@Payload() query: RestUsersListQuery, @RpcPrincipal() principal: Principal): Promise<RestUserSummary[]> {
    return this.restUsers.search(principal, query);
  }

  @MessagePattern(Subjects.Identity.countRestUsers)
  countRest(@Payload() query: RestUsersCountQuery, @RpcPrincipal() principal: Principal): Promise<{ count: number }> {
    return this.restUsers.count(principal, query);
  }

  @MessagePattern(Subjects.Identity.getRestUser)
  getRest(@Payload() request: UserIdRequest, @RpcPrincipal() principal: Principal): Promise<RestUserDetail> {
    return this.restUsers.detail(principal, request.userId);
  }

  @MessagePattern(Subjects.Identity.currentRestUser)
  currentRest(@RpcPrincipal() principal: Principal): Promise<RestUserSummary> {
    return this.restUsers.current(principal);
  }

  @MessagePattern(Subjects.Identity.updateRestUser)
  updateRest(@Payload() request: UpdateRestUserRequest, @RpcPrincipal() principal: Principal): Promise<RestUserDetail> {
    return this.restUsers.update(principal, request);
  }

  // documents user directory and self-service

  @MessagePattern(Subjects.Identity.listUsers)
  list(@Payload() query: ListUsersQuery, @RpcPrincipal() principal: Principal): Promise<Page<UserView>> {
    return this.users.list(principal, query);
  }

  @MessagePattern(Subjects.Identity.getUser)
  get(@Payload() request: UserIdRequest, @RpcPrincipal() principal: Principal): Promise<UserView> {
    return this.users.get(principal, request.userId);
  }

  @MessagePattern(Subjects.Identity.grantRole)
  grantRole(@Payload() request: UserRoleRequest, @RpcPrincipal() principal: Principal): Promise<UserView> {
    return this.users.setRole(principal, request, true);
  }

  @MessagePattern(Subjects.Identity.revokeRole)
  revokeRole(@Payload() request: UserRoleRequest, @RpcPrincipal() principal: Principal): Promise<UserView> {
    return this.users.setRole(principal, request, false);
  }

  @MessagePattern(Subjects.Identity.knownUsers)
  known(@Payload() request: KnownUsersRequest, @RpcPrincipal() principal: Principal): Promise<KnownUsersReply> {
    return this.users.known(principal, request.userIds);
  }

  @MessagePattern(Subjects.Identity.getUserByEmail)
  byEmail(@Payload() request: UserByEmailQuery, @RpcPrincipal() principal: Principal): Promise<UserView> {
    return this.users.byEmail(principal, request.email);
  }

  @MessagePattern(Subjects.Identity.createUsers)
  create(@Payload() request: CreateUsersRequest, @RpcPrincipal() principal: Principal): Promise<UserView[]> {
    return this.users.create(principal, request.users);
  }

  @MessagePattern(Subjects.Identity.setUserStatus)
  setStatus(@Payload() request: SetUserStatusRequest, @RpcPrincipal() principal: Principal): Promise<UserStatusReply> {
    return this.users.setStatus(principal, request);
  }

  @MessagePattern(Subjects.Identity.signUp)
  signUp(@Payload() request: SignUpRequest): Promise<UserStatusReply> {
    return this.selfService.signUp(request);
  }

  @MessagePattern(Subjects.Identity.forgotPassword)
  forgotPassword(@Payload() request: ForgotPasswordRequest): Promise<unknown> {
    return this.selfService.forgotPassword(request);
  }

  @MessagePattern(Subjects.Identity.resetPassword)
  resetPassword(@Payload() request: ResetPasswordRequest): Promise<{ status: 'success' }> {
    return this.selfService.resetPassword(request);
  }
}
