import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthorizeRoomReply, AuthorizeRoomRequest, Principal, Subjects } from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';

/** Identity owns the `system_<accountId>` rooms: account-wide notices, for that account only. */
@Controller()
export class RoomsController {
  @MessagePattern(Subjects.Identity.authorizeRoom)
  authorize(@Payload() request: AuthorizeRoomRequest, @RpcPrincipal() principal: Principal): AuthorizeRoomReply {
    return { allowed: request.room === `system_${principal.accountId}` };
  }
}
