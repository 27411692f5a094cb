import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@quire/auth';
import { ForgotPasswordBody, Principal, ResetPasswordBody, SetUserStatusBody, SignUpBody, UserStatusReply } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { RateLimit } from '../../throttling/rate-limits';
import { IdentityClient } from '../identity-client';
import { AccountCode } from './account-code.decorator';

const uuid = new ParseUUIDPipe({ exceptionFactory: () => DomainError.validation('id must be a UUID', { fields: { id: ['not a UUID'] } }) });

@ApiTags('rest-auth')
@Controller('rest/ng/users')
export class RestUsersController {
  constructor(private readonly identity: IdentityClient) {}

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
