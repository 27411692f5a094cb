import { Body, Controller, Delete, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { Public } from '@quire/auth';
import { LoginBody, LoginReply, Principal } from '@quire/contracts';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { IdentityClient } from '../identity-client';
import { AccountCode } from './account-code.decorator';

@ApiTags('rest-auth')
@Controller('rest/ng/sessions')
export class SessionsController {
  constructor(private readonly identity: IdentityClient) {}

  @Public()
  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in: the user and a login token for X-OS-API-TOKEN / Bearer' })
  login(@Body() body: LoginBody, @AccountCode() accountCode: string | undefined, @Req() request: FastifyRequest, @RequestId() requestId: string): Promise<LoginReply> {
    return this.identity.login(body, request.ip, { requestId, accountCode });
  }

  @Delete()
  @ApiOperation({ summary: 'Log out: the login token is refused from now on, on every gateway' })
  logout(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<{ status: string }> {
    return this.identity.logout({ requestId, principal });
  }
}
