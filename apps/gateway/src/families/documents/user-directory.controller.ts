import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  CreateTeamBody,
  CreateUsersRequest,
  ListUsersQuery,
  Page,
  Principal,
  RoleView,
  Subjects,
  TeamIdRequest,
  TeamMemberRequest,
  TeamView,
  UserByEmailQuery,
  UserIdRequest,
  UserView,
} from '@quire/contracts';
import { RpcClient, validationError } from '@quire/platform';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';

/** `POST /users` takes one user or an array of them (documents spec "Add a user(s)"). */
function usersOf(body: unknown): CreateUsersRequest {
  const request = plainToInstance(CreateUsersRequest, { users: Array.isArray(body) ? body : [body] });
  const errors = validateSync(request, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw validationError(errors);
  return request;
}

/** Users, roles and teams of the caller's account (documents spec "Users", "User teams"). */
@ApiTags('documents')
@Controller('api/v1')
export class UserDirectoryController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('roles')
  roles(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<RoleView[]> {
    return this.rpc.request(Subjects.Identity.listRoles, {}, { requestId, principal });
  }

  @Get('users')
  @ApiOperation({ summary: 'Users of the account, by page: ?page=1&pageSize=50 (max 200)&createdAfter=' })
  users(@Query() query: ListUsersQuery, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Page<UserView>> {
    return this.rpc.request(Subjects.Identity.listUsers, query, { requestId, principal });
  }

  @Post('users')
  @ApiOperation({ summary: 'Admin: add one user or an array of users (all or none); 201' })
  createUsers(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView[]> {
    return this.rpc.request(Subjects.Identity.createUsers, usersOf(body), { requestId, principal });
  }

  @Get('user/id/:userId')
  user(@Param() params: UserIdRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView> {
    return this.rpc.request(Subjects.Identity.getUser, params, { requestId, principal });
  }

  @Get('user/byemail')
  userByEmail(@Query() query: UserByEmailQuery, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView> {
    return this.rpc.request(Subjects.Identity.getUserByEmail, query, { requestId, principal });
  }

  @Get('teams')
  teams(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<TeamView[]> {
    return this.rpc.request(Subjects.Identity.listTeams, {}, { requestId, principal });
  }

  @Post('teams')
  @ApiOperation({ summary: 'Admin: create a team (not in the spec: teams have to come from somewhere)' })
  createTeam(@Body() body: CreateTeamBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<TeamView> {
    return this.rpc.request(Subjects.Identity.createTeam, body, { requestId, principal });
  }

  @Get('teams/:teamId/users')
  teamUsers(@Param() params: TeamIdRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView[]> {
    return this.rpc.request(Subjects.Identity.listTeamMembers, params, { requestId, principal });
  }

  @Put('teams/:teamId/users/:email')
  addTeamUser(@Param() params: TeamMemberRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView[]> {
    return this.rpc.request(Subjects.Identity.addTeamMember, params, { requestId, principal });
  }

  @Delete('teams/:teamId/users/:email')
  removeTeamUser(@Param() params: TeamMemberRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView[]> {
    return this.rpc.request(Subjects.Identity.removeTeamMember, params, { requestId, principal });
  }
}
