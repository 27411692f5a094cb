import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@quire/auth';
import {
  ForgotPasswordBody,
  Principal,
  ResetPasswordBody,
  RestUserDetail,
  RestUsersCountQuery,
  RestUsersListQuery,
  RestUserSummary,
  SetUserStatusBody,
  SignUpBody,
  UpdateRestUserBody,
  UserStatusReply,
} from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { RateLimit } from '../../throttling/rate-limits';
import { IdentityClient } from '../identity-client';
import { AccountCode } from './account-code.decorator';

const uuid = new ParseUUIDPipe({ exceptionFactory: () => DomainError.validation('id must be a UUID', { fields: { id: ['not a UUID'] } }) });

/**
 * OpenSpecimen's `/users` resource plus its public self-service routes (ADR 004, 016). The fixed
 * paths (`count`, `current-user`) are declared before `:id`; the router also ranks static
 * segments above parameters, and `:id` must be a UUID.
 */
@ApiTags('rest-auth')
@Controller('rest/ng/users')
export class RestUsersController {
  constructor(private readonly identity: IdentityClient) {}

  @Get()
  @ApiOperation({ summary: 'Users of the account as UserSummary, by first and last name: ?start=0&maxResults=100 (max 1000)&searchString=&activityStatus=' })
  list(@Query() query: RestUsersListQuery, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<RestUserSummary[]> {
    return this.identity.restUsers(query, { requestId, principal });
  }

  @Get('count')
  @ApiOperation({ summary: 'How many users GET /users would list with the same filters: {count}' })
  count(@Query() query: RestUsersCountQuery, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<{ count: number }> {
    return this.identity.restUsersCount(query, { requestId, principal });
  }

  @Get('current-user')
  @ApiOperation({ summary: 'The signed-in user as UserSummary' })
  currentUser(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<RestUserSummary> {
    return this.identity.currentRestUser({ requestId, principal });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user of the account as UserDetail; another account’s id is 404 USER_NOT_FOUND' })
  get(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<RestUserDetail> {
    return this.identity.restUser(id, { requestId, principal });
  }

  /** 200 with the UserDetail (not the spec table's 201: nothing is created, as for PUT …/status). */
  @Put(':id')
  @ApiOperation({ summary: 'Update a user (own profile; admins: any user of the account, login name, admin, activityStatus); answers UserDetail' })
  update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateRestUserBody,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<RestUserDetail> {
    return this.identity.updateRestUser(id, body, { requestId, principal });
  }

  @Public()
  @RateLimit('selfService')
  @Post('sign-up')
  @ApiOperation({ summary: 'A new user in pending status, until an admin approves it' })
  signUp(@Body() body: SignUpBody, @AccountCode() accountCode: string | undefined, @RequestId() requestId: string): Promise<UserStatusReply> {
    return this.identity.signUp(body, { requestId, accountCode });
  }

  @Public()
  @RateLimit('selfService')
  @Post('forgot-password')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mails a reset token; the same answer whether or not the user exists' })
  forgotPassword(@Body() body: ForgotPasswordBody, @AccountCode() accountCode: string | undefined, @RequestId() requestId: string): Promise<unknown> {
    return this.identity.forgotPassword(body, { requestId, accountCode });
  }

  @Public()
  @RateLimit('selfService')
  @Post('reset-password')
  @HttpCode(200)
  @ApiOperation({ summary: 'New password with a single-use reset token; ends a temporary lockout' })
  resetPassword(@Body() body: ResetPasswordBody, @AccountCode() accountCode: string | undefined, @RequestId() requestId: string): Promise<unknown> {
    return this.identity.resetPassword(body, { requestId, accountCode });
  }

  /** Admin: `active` approves a sign-up / unlocks / re-enables; `locked`, `disabled` end access. */
  @Put(':id/status')
  @ApiOperation({ summary: 'Admin: approve, reject (disabled), lock, unlock or disable a user' })
  setStatus(
    @Param('id', uuid) id: string,
    @Body() body: SetUserStatusBody,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<UserStatusReply> {
    return this.identity.setUserStatus(id, body, { requestId, principal });
  }
}
