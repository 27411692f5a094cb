import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateTeamBody,
  ListUsersQuery,
  Page,
  Principal,
  RoleView,
  TeamIdRequest,
  TeamMemberRequest,
  TeamView,
  UserByEmailQuery,
  UserIdRequest,
  UserRoleRequest,
  UserView,
} from '@quire/contracts';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { IdentityClient } from '../identity-client';

/** Users, roles and teams of the caller's account (documents spec "Users", "User teams"). */
@ApiTags('documents')
@Controller('api/v1')
export class UserDirectoryController {
  constructor(private readonly identity: IdentityClient) {}

  @Get('roles')
  roles(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<RoleView[]> {
    return this.identity.roles({ requestId, principal });
  }

  @Get('users')
  @ApiOperation({ summary: 'Users of the account, by page: ?page=1&pageSize=50 (max 200)&createdAfter=' })
  users(@Query() query: ListUsersQuery, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Page<UserView>> {
    return this.identity.users(query, { requestId, principal });
  }

  @Post('users')
  @ApiOperation({ summary: 'Admin: add one user or an array of users (all or none); 201' })
  createUsers(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView[]> {
    return this.identity.createUsers(body, { requestId, principal });
  }

  @Put('users/:userId/roles/:role')
  @ApiOperation({ summary: "Admin: give a user one of the account's roles (GET /roles), e.g. report_editor; idempotent" })
  grantRole(@Param() params: UserRoleRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView> {
    return this.identity.setUserRole(params, true, { requestId, principal });
  }

  @Delete('users/:userId/roles/:role')
  @ApiOperation({ summary: 'Admin: take a role away from a user; idempotent' })
  revokeRole(@Param() params: UserRoleRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView> {
    return this.identity.setUserRole(params, false, { requestId, principal });
  }

  @Get('user/id/:userId')
  user(@Param() params: UserIdRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView> {
    return this.identity.user(params, { requestId, principal });
  }

  @Get('user/byemail')
  userByEmail(@Query() query: UserByEmailQuery, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView> {
    return this.identity.userByEmail(query, { requestId, principal });
  }

  @Get('teams')
  teams(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<TeamView[]> {
    return this.identity.teams({ requestId, principal });
  }

  @Post('teams')
  @ApiOperation({ summary: 'Admin: create a team (not in the spec: teams have to come from somewhere)' })
  createTeam(@Body() body: CreateTeamBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<TeamView> {
    return this.identity.createTeam(body, { requestId, principal });
  }

  @Get('teams/:teamId/users')
  teamUsers(@Param() params: TeamIdRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView[]> {
    return this.identity.teamMembers(params, { requestId, principal });
  }

  @Put('teams/:teamId/users/:email')
  addTeamUser(@Param() params: TeamMemberRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView[]> {
    return this.identity.addTeamMember(params, { requestId, principal });
  }

  @Delete('teams/:teamId/users/:email')
  removeTeamUser(@Param() params: TeamMemberRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<UserView[]> {
    return this.identity.removeTeamMember(params, { requestId, principal });
  }
}
