import { Injectable } from '@nestjs/common';
import { ListRequest, Principal, TemplateReply } from '@quire/contracts';
import { ObjectStorage } from '@quire/platform';
import { Wire } from '../wire';
import { TemplatesRepository } from './templates.repository';

/** Report templates of an account (an upload is ReserveTemplateUpload / CommitTemplateUpload). */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly templates: TemplatesRepository,
    private readonly storage: ObjectStorage,
  ) {}

  async list(principal: Principal, request: ListRequest): Promise<TemplateReply[]> {
    const templates = await this.templates.list(principal, { beforeId: request.before_id, limit: request.limit });
    return templates.map((template) => Wire.template(this.storage.bucket, template));
  }
}
