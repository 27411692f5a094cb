import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { LoginReply, LoginRequest, Principal, ResolveSessionRequest, Subjects } from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { LoginUseCase } from './login.use-case';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsController {
  constructor(
    private readonly login: LoginUseCase,
    private readonly sessions: SessionsService,
  ) {}

  @MessagePattern(Subjects.Identity.login)
  create(@Payload() request: LoginRequest): Promise<LoginReply> {
    return this.login.execute(request);
  }

  @MessagePattern(Subjects.Identity.resolveSession)
  resolve(@Payload() request: ResolveSessionRequest): Promise<Principal> {
    return this.sessions.resolve(request);
  }

  @MessagePattern(Subjects.Identity.logout)
  revoke(@RpcPrincipal() principal: Principal): Promise<{ status: 'success' }> {
    return this.sessions.logout(principal);
  }
}
