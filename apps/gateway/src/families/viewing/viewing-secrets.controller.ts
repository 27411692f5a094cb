import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, ViewingSecretCreated, ViewingSecretStatus, ViewingSubjects } from '@quire/contracts';
import { RpcClient } from '@quire/platform';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';

/**
 * The account's `Accusoft-Secret` (ADR 012): an admin (Quire credential) creates or rotates it
 * (the secret is in that answer only), reads whether one is set, or removes it.
 */
@ApiTags('viewing')
@Controller('pas/quire/accusoftSecret')
export class ViewingSecretsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or rotate the account secret (admins); the old one stops working at once' })
  rotate(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ViewingSecretCreated> {
    return this.rpc.request(ViewingSubjects.rotateSecret, {}, { requestId, principal });
  }

  @Get()
  @ApiOperation({ summary: 'Whether the account has a secret, and since when (never the secret)' })
  status(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<ViewingSecretStatus> {
    return this.rpc.request(ViewingSubjects.secretStatus, {}, { requestId, principal });
  }

  @Delete()
  @ApiOperation({ summary: 'Remove the account secret (admins)' })
  async revoke(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<void> {
    await this.rpc.request(ViewingSubjects.revokeSecret, {}, { requestId, principal });
  }
}
