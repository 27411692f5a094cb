import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  ApiTokenView,
  AppPropsView,
  AuthDomainView,
  CreateApiTokenBody,
  CreatedApiToken,
  CreateTeamBody,
  CreateUsersRequest,
  ForgotPasswordBody,
  InstituteView,
  ListUsersQuery,
  LocaleSettingsView,
  LoginBody,
  LoginReply,
  Page,
  Principal,
  ResetPasswordBody,
  RestUserDetail,
  RestUsersCountQuery,
  RestUsersListQuery,
  RestUserSummary,
  RoleView,
  SetUserStatusBody,
  SignUpBody,
  Subjects,
  TeamIdRequest,
  TeamMemberRequest,
  TeamView,
  UserByEmailQuery,
  UserIdRequest,
  UpdateRestUserBody,
  UserStatusReply,
  UserRoleRequest,
  UserView,
} from '@quire/contracts';
import { RpcCallContext, RpcClient, validationError } from '@quire/platform';
import { IdentityResolution } from '../auth/identity-resolution';

/** A public call: the request id and, when the client named one, the account (`X-AccountCode`). */
export interface PublicCall {
  requestId: string;
  accountCode: string | undefined;
}

/** Adds the account code to a public request only when one was given. */
function withAccount<T extends object>(body: T, accountCode: string | undefined): T & { accountCode?: string } {
  return accountCode === undefined ? body : { ...body, accountCode };
}

/** `POST /users` takes one user or an array of them (documents spec "Add a user(s)"). */
function usersOf(body: unknown): CreateUsersRequest {
  const request = plainToInstance(CreateUsersRequest, { users: Array.isArray(body) ? body : [body] });
  const errors = validateSync(request, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw validationError(errors);
  return request;
}

/**
 * The identity service as the rest-auth and documents routes see it: one method per route, the
 * RPC call with its field renames, and what this replica must forget at once (a logged-out
 * session, a deleted token; the other replicas on identity's events).
 */
@Injectable()
export class IdentityClient {
  constructor(
    private readonly rpc: RpcClient,
    private readonly resolution: IdentityResolution,
  ) {}

  // rest-auth: sessions

  /** `clientAddress` is request.ip, which honours TRUST_PROXY_HOPS: a client cannot choose the address its lockout counts under. */
  login(body: LoginBody, clientAddress: string, call: PublicCall): Promise<LoginReply> {
    return this.rpc.request(Subjects.Identity.login, { ...withAccount(body, call.accountCode), clientAddress }, { requestId: call.requestId });
  }

  async logout(context: RpcCallContext & { principal: Principal }): Promise<{ status: string }> {
    const reply = await this.rpc.request<{ status: string }>(Subjects.Identity.logout, {}, context);
    for (const scope of context.principal.scopes) {
      if (scope.startsWith('login_session:')) this.resolution.cache.revokeSession(scope.slice('login_session:'.length));
    }
    return reply;
  }

  // rest-auth: self-service and user status

  signUp(body: SignUpBody, call: PublicCall): Promise<UserStatusReply> {
    return this.rpc.request(Subjects.Identity.signUp, withAccount(body, call.accountCode), { requestId: call.requestId });
  }

  forgotPassword(body: ForgotPasswordBody, call: PublicCall): Promise<unknown> {
    return this.rpc.request(Subjects.Identity.forgotPassword, withAccount(body, call.accountCode), { requestId: call.requestId });
  }

  resetPassword(body: ResetPasswordBody, call: PublicCall): Promise<unknown> {
    return this.rpc.request(Subjects.Identity.resetPassword, withAccount(body, call.accountCode), { requestId: call.requestId });
  }

  setUserStatus(userId: string, body: SetUserStatusBody, context: RpcCallContext): Promise<UserStatusReply> {
    return this.rpc.request(Subjects.Identity.setUserStatus, { userId, status: body.status }, context);
  }

  // rest-auth: the users resource

  restUsers(query: RestUsersListQuery, context: RpcCallContext): Promise<RestUserSummary[]> {
    return this.rpc.request(Subjects.Identity.searchRestUsers, query, context);
  }

  restUsersCount(query: RestUsersCountQuery, context: RpcCallContext): Promise<{ count: number }> {
    return this.rpc.request(Subjects.Identity.countRestUsers, query, context);
  }

  restUser(userId: string, context: RpcCallContext): Promise<RestUserDetail> {
    return this.rpc.request(Subjects.Identity.getRestUser, { userId }, context);
  }

  currentRestUser(context: RpcCallContext): Promise<RestUserSummary> {
    return this.rpc.request(Subjects.Identity.currentRestUser, {}, context);
  }

  /** This replica forgets the user's cached principal at once (the others on `user_changed`). */
  async updateRestUser(userId: string, body: UpdateRestUserBody, context: RpcCallContext): Promise<RestUserDetail> {
    const reply = await this.rpc.request<RestUserDetail>(Subjects.Identity.updateRestUser, { ...body, userId }, context);
    this.resolution.cache.revokeUser(userId);
    return reply;
  }

  // rest-auth: what the sign-in forms read

  institutes(call: PublicCall): Promise<InstituteView[]> {
    return this.rpc.request(Subjects.Identity.listInstitutes, withAccount({}, call.accountCode), { requestId: call.requestId });
  }

  instituteByName(name: string, call: PublicCall): Promise<InstituteView> {
    return this.rpc.request(Subjects.Identity.getInstituteByName, withAccount({ name }, call.accountCode), { requestId: call.requestId });
  }

  locale(call: PublicCall): Promise<LocaleSettingsView> {
    return this.rpc.request(Subjects.Identity.localeSettings, withAccount({}, call.accountCode), { requestId: call.requestId });
  }

  appProps(requestId: string): Promise<AppPropsView> {
    return this.rpc.request(Subjects.Identity.appProps, {}, { requestId });
  }

  authDomains(call: PublicCall): Promise<AuthDomainView[]> {
    return this.rpc.request(Subjects.Identity.listAuthDomains, withAccount({}, call.accountCode), { requestId: call.requestId });
  }

  // documents: tokens

  createApiToken(body: CreateApiTokenBody, context: RpcCallContext): Promise<CreatedApiToken> {
    return this.rpc.request(Subjects.Identity.createApiToken, body, context);
  }

  listApiTokens(context: RpcCallContext): Promise<ApiTokenView[]> {
    return this.rpc.request(Subjects.Identity.listApiTokens, {}, context);
  }

  async revokeApiToken(id: string, context: RpcCallContext): Promise<unknown> {
    const reply = await this.rpc.request(Subjects.Identity.revokeApiToken, { id }, context);
    this.resolution.cache.revokeToken(id);
    return reply;
  }

  // documents: user directory

  /** The user's cached principals are dropped here at once (the others on the roles-changed event). */
  async setUserRole(request: UserRoleRequest, grant: boolean, context: RpcCallContext): Promise<UserView> {
    const reply = await this.rpc.request<UserView>(grant ? Subjects.Identity.grantRole : Subjects.Identity.revokeRole, request, context);
    this.resolution.cache.revokeUser(request.userId);
    return reply;
  }

  roles(context: RpcCallContext): Promise<RoleView[]> {
    return this.rpc.request(Subjects.Identity.listRoles, {}, context);
  }

  users(query: ListUsersQuery, context: RpcCallContext): Promise<Page<UserView>> {
    return this.rpc.request(Subjects.Identity.listUsers, query, context);
  }

  /** `body` is one user or an array of them, validated here (its shape depends on which). */
  createUsers(body: unknown, context: RpcCallContext): Promise<UserView[]> {
    return this.rpc.request(Subjects.Identity.createUsers, usersOf(body), context);
  }

  user(params: UserIdRequest, context: RpcCallContext): Promise<UserView> {
    return this.rpc.request(Subjects.Identity.getUser, params, context);
  }

  userByEmail(query: UserByEmailQuery, context: RpcCallContext): Promise<UserView> {
    return this.rpc.request(Subjects.Identity.getUserByEmail, query, context);
  }

  teams(context: RpcCallContext): Promise<TeamView[]> {
    return this.rpc.request(Subjects.Identity.listTeams, {}, context);
  }

  createTeam(body: CreateTeamBody, context: RpcCallContext): Promise<TeamView> {
    return this.rpc.request(Subjects.Identity.createTeam, body, context);
  }

  teamMembers(params: TeamIdRequest, context: RpcCallContext): Promise<UserView[]> {
    return this.rpc.request(Subjects.Identity.listTeamMembers, params, context);
  }

  addTeamMember(params: TeamMemberRequest, context: RpcCallContext): Promise<UserView[]> {
    return this.rpc.request(Subjects.Identity.addTeamMember, params, context);
  }

  removeTeamMember(params: TeamMemberRequest, context: RpcCallContext): Promise<UserView[]> {
    return this.rpc.request(Subjects.Identity.removeTeamMember, params, context);
  }
}
