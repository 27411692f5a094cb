import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiTokenIdRequest, ApiTokenView, CreateApiTokenBody, CreatedApiToken, Principal } from '@quire/contracts';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { IdentityClient } from '../identity-client';

/** Personal API tokens (documents spec "Tokens"): the secret is in the create answer only. */
@ApiTags('documents')
@Controller('api/v1/tokens')
export class TokensController {
  constructor(private readonly identity: IdentityClient) {}

  @Post()
  @ApiOperation({ summary: 'Create a token for a user (yourself, or anyone as admin); 201, secret shown once' })
  create(@Body() body: CreateApiTokenBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<CreatedApiToken> {
    return this.identity.createApiToken(body, { requestId, principal });
  }

  @Get()
  @ApiOperation({ summary: 'Tokens of the account (admin) or your own; never the secret' })
  list(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ApiTokenView[]> {
    return this.identity.listApiTokens({ requestId, principal });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a token: refused from then on, on every gateway' })
  remove(@Param() params: ApiTokenIdRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<unknown> {
    return this.identity.revokeApiToken(params.id, { requestId, principal });
  }
}
