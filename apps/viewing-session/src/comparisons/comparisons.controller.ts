import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RevisionDataRequest, ViewingSubjects } from '@quire/contracts';
import { ComparisonsService } from './comparisons.service';

@Controller()
export class ComparisonsController {
  constructor(private readonly comparisons: ComparisonsService) {}

  // A viewer call: no principal; the session id is the credential.
  @MessagePattern(ViewingSubjects.revisionData)
  revisionData(@Payload() request: RevisionDataRequest) {
    return this.comparisons.revisionData(request);
  }
}
