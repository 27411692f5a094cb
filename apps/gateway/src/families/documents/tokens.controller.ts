import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiTokenIdRequest, ApiTokenView, CreateApiTokenBody, CreatedApiToken, Principal, Subjects } from '@quire/contracts';
import { RpcClient } from '@quire/platform';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { IdentityResolution } from '../../auth/identity-resolution';

/** Personal API tokens (documents spec "Tokens"): the secret is in the create answer only. */
@ApiTags('documents')
@Controller('api/v1/tokens')
export class TokensController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly identity: IdentityResolution,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a token for a user (yourself, or anyone as admin); 201, secret shown once' })
  create(@Body() body: CreateApiTokenBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<CreatedApiToken> {
    return this.rpc.request(Subjects.Identity.createApiToken, body, { requestId, principal });
  }

  @Get()
  @ApiOperation({ summary: 'Tokens of the account (admin) or your own; never the secret' })
  list(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ApiTokenView[]> {
    return this.rpc.request(Subjects.Identity.listApiTokens, {}, { requestId, principal });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a token: refused from then on, on every gateway' })
  async remove(@Param() params: ApiTokenIdRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<unknown> {
    const reply = await this.rpc.request(Subjects.Identity.revokeApiToken, params, { requestId, principal });
    // This replica forgets it at once; the others on identity's event.
    this.identity.cache.revokeToken(params.id);
    return reply;
  }
}
