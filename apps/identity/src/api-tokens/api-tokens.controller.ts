import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ApiTokenIdRequest,
  ApiTokenView,
  CreateApiTokenBody,
  CreatedApiToken,
  Principal,
  ResolveApiTokenRequest,
  Subjects,
} from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { ApiTokensService } from './api-tokens.service';

@Controller()
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @MessagePattern(Subjects.Identity.resolveApiToken)
  resolve(@Payload() request: ResolveApiTokenRequest): Promise<Principal> {
    return this.tokens.resolve(request);
  }

  @MessagePattern(Subjects.Identity.createApiToken)
  create(@Payload() body: CreateApiTokenBody, @RpcPrincipal() principal: Principal): Promise<CreatedApiToken> {
    return this.tokens.create(principal, body);
  }

  @MessagePattern(Subjects.Identity.listApiTokens)
  list(@RpcPrincipal() principal: Principal): Promise<ApiTokenView[]> {
    return this.tokens.list(principal);
  }

  @MessagePattern(Subjects.Identity.revokeApiToken)
  revoke(@Payload() request: ApiTokenIdRequest, @RpcPrincipal() principal: Principal): Promise<{ id: string; deleted: true }> {
    return this.tokens.revoke(principal, request.id);
  }
}
