import { Injectable } from '@nestjs/common';
import { CreateTemplateRequest, ListRequest, Principal, TemplateReply, WordEditFileLimits } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage } from '@quire/platform';
import { StagedFiles } from '../storage/staged-files';
import { StorageKeys } from '../storage/storage-keys';
import { Wire } from '../wire';
import { ReportTemplate } from './report-template.entity';
import { TemplatesRepository } from './templates.repository';

/** Report templates: a .docx the gateway staged, checked and moved under the account's prefix. */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly templates: TemplatesRepository,
    private readonly staged: StagedFiles,
    private readonly storage: ObjectStorage,
  ) {}

  async create(principal: Principal, request: CreateTemplateRequest): Promise<TemplateReply> {
    const file = request.file;
    if (file.size > WordEditFileLimits.maxDocxBytes) {
      throw new DomainError(ErrorCode.PayloadTooLarge, 'The template is too large', { maxBytes: WordEditFileLimits.maxDocxBytes });
    }
    await this.staged.assertStaged(file);
    await this.staged.assertDocx(file);
    const key = StorageKeys.template(principal.accountId);
    await this.staged.copyAll([{ from: file.key, to: key }]);
    let saved: ReportTemplate;
    try {
      saved = await this.templates.create(principal, {
        name: request.name,
        docxKey: key,
        docxSize: file.size,
        docxSha256: file.sha256,
        createdBy: principal.userId,
      });
    } catch (error) {
      await this.staged.deleteQuietly([key]);
      throw error;
    }
    await this.staged.deleteQuietly([file.key]);
    return Wire.template(this.storage.bucket, saved);
  }

  async list(principal: Principal, request: ListRequest): Promise<TemplateReply[]> {
    const templates = await this.templates.list(principal, { beforeId: request.before_id, limit: request.limit });
    return templates.map((template) => Wire.template(this.storage.bucket, template));
  }
}
