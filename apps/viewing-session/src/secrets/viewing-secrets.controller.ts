import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { NoBody, Principal, ResolveSecretRequest, ViewingSubjects } from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { ViewingSecretsService } from './viewing-secrets.service';

@Controller()
export class ViewingSecretsController {
  constructor(private readonly secrets: ViewingSecretsService) {}

  /** Asked by the gateway with no principal: the secret is the credential being resolved. */
  @MessagePattern(ViewingSubjects.resolveSecret)
  resolve(@Payload() request: ResolveSecretRequest) {
    return this.secrets.resolve(request.secret);
  }

  @MessagePattern(ViewingSubjects.rotateSecret)
  rotate(@Payload() _body: NoBody, @RpcPrincipal() principal: Principal) {
    return this.secrets.rotate(principal);
  }

  @MessagePattern(ViewingSubjects.revokeSecret)
  revoke(@Payload() _body: NoBody, @RpcPrincipal() principal: Principal) {
    return this.secrets.revoke(principal);
  }

  @MessagePattern(ViewingSubjects.secretStatus)
  status(@Payload() _body: NoBody, @RpcPrincipal() principal: Principal) {
    return this.secrets.status(principal);
  }
}
