import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { LessThan } from 'typeorm';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { ReportTemplate } from './report-template.entity';

export interface NewTemplate {
  name: string;
  docxKey: string;
  docxSize: number;
  docxSha256: string;
  createdBy: string;
}

/** Report templates of an account. */
@Injectable()
export class TemplatesRepository extends AccountScopedRepository<ReportTemplate> {
  constructor(db: TransactionHost) {
    super(db as Db, ReportTemplate);
  }

  async find(scope: AccountScope, id: number | string): Promise<ReportTemplate | null> {
    return (await this.findOne(scope, { id: String(id) })) ?? null;
  }

  async create(scope: AccountScope, template: NewTemplate): Promise<ReportTemplate> {
    const created = await this.rows().save(
      this.rows().create({ ...template, accountId: scope.accountId, docxSize: String(template.docxSize) }),
    );
    return (await this.findOne(scope, { id: created.id }))!;
  }

  list(scope: AccountScope, page: { beforeId?: number; limit?: number }): Promise<ReportTemplate[]> {
    return this.rows().find({
      where: this.scoped(scope, page.beforeId ? { id: LessThan(String(page.beforeId)) } : {}),
      order: { id: 'DESC' },
      take: page.limit ?? 50,
    });
  }
}
