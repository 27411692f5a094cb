import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthorizeRoomReply, AuthorizeRoomRequest, EditSessionSubjects, Principal } from '@quire/contracts';
import { RpcPrincipal } from '@quire/platform';
import { ReportsRepository } from '../reports/reports.repository';

const ROOM = /^external_edit_([1-9][0-9]{0,15})$/;

/** `external_edit_<lab_report_id>`: anyone who can read the report in their own account. */
@Controller()
export class RoomsController {
  constructor(private readonly reports: ReportsRepository) {}

  @MessagePattern(EditSessionSubjects.authorizeRoom)
  async authorize(@Payload() request: AuthorizeRoomRequest, @RpcPrincipal() principal: Principal): Promise<AuthorizeRoomReply> {
    const id = ROOM.exec(request.room)?.[1];
    if (!id || Number(id) > Number.MAX_SAFE_INTEGER) return { allowed: false };
    return { allowed: (await this.reports.findReport(principal, id)) !== null };
  }
}
