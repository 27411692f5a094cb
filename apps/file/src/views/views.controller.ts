import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { FileSubjects, FileViewReply, ViewFileRequest } from '@quire/contracts';
import { ViewsService } from './views.service';

/** No principal: a view link is authorised by its signature alone. */
@Controller()
export class ViewsController {
  constructor(private readonly views: ViewsService) {}

  @MessagePattern(FileSubjects.view)
  resolve(@Payload() request: ViewFileRequest): Promise<FileViewReply> {
    return this.views.resolve(request);
  }
}
