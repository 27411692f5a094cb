import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { CreateTemplateRequest, ListRequest, Principal, TemplateReply, WordEditFileLimits } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage } from '@quire/platform';
import { StagedFiles } from '../storage/staged-files';
import { StorageKeys } from '../storage/storage-keys';
import { Wire } from '../wire';
import { ReportTemplate } from './report-template.entity';

/** Report templates: a .docx the gateway staged, checked and moved under the account's prefix. */
@Injectable()
export class TemplatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
      const manager = this.dataSource.manager;
      const created = await manager.save(
        manager.create(ReportTemplate, {
          accountId: principal.accountId,
          name: request.name,
          docxKey: key,
          docxSize: String(file.size),
          docxSha256: file.sha256,
          createdBy: principal.userId,
        }),
      );
      saved = await manager.findOneOrFail(ReportTemplate, { where: { id: created.id } });
    } catch (error) {
      await this.staged.deleteQuietly([key]);
      throw error;
    }
    await this.staged.deleteQuietly([file.key]);
    return Wire.template(this.storage.bucket, saved);
  }

  async list(principal: Principal, request: ListRequest): Promise<TemplateReply[]> {
    const templates = await this.dataSource.manager.find(ReportTemplate, {
      where: { accountId: principal.accountId, ...(request.before_id ? { id: LessThan(String(request.before_id)) } : {}) },
      order: { id: 'DESC' },
      take: request.limit ?? 50,
    });
    return templates.map((template) => Wire.template(this.storage.bucket, template));
  }
}
