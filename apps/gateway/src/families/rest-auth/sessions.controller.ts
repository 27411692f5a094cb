import { Body, Controller, Delete, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { Public } from '@quire/auth';
import { LoginBody, LoginReply, Principal, Subjects } from '@quire/contracts';
import { RpcClient } from '@quire/platform';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { IdentityResolution } from '../../auth/identity-resolution';
import { AccountCode, withAccount } from './account-code.decorator';

@ApiTags('rest-auth')
@Controller('rest/ng/sessions')
export class SessionsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly identity: IdentityResolution,
  ) {}

  @Public()
  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in: the user and a login token for X-OS-API-TOKEN / Bearer' })
  login(
    @Body() body: LoginBody,
    @AccountCode() accountCode: string | undefined,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
  ): Promise<LoginReply> {
    // request.ip honours TRUST_PROXY_HOPS: a client cannot choose the address its lockout counts under.
    return this.rpc.request(Subjects.Identity.login, { ...withAccount(body, accountCode), clientAddress: request.ip }, { requestId });
  }

  @Delete()
  @ApiOperation({ summary: 'Log out: the login token is refused from now on, on every gateway' })
  async logout(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<{ status: string }> {
    const reply = await this.rpc.request<{ status: string }>(Subjects.Identity.logout, {}, { requestId, principal });
    // This replica forgets it at once; the others on identity's event.
    for (const scope of principal.scopes) if (scope.startsWith('login_session:')) this.identity.cache.revokeSession(scope.slice('login_session:'.length));
    return reply;
  }
}
