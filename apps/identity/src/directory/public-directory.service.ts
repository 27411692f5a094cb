import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppPropsView, AuthDomainView, InstituteView, LocaleSettingsView } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { AuthDomain, Setting } from '../accounts/account.entity';
import { AccountsRepository } from '../accounts/accounts.repository';
import { IdentityEnv } from '../identity.env';

const DEFAULT_LOCALE: LocaleSettingsView = {
  locale: 'en-US',
  dateFmt: 'MM-dd-yyyy',
  timeFmt: 'HH:mm',
  deFeDateFmt: 'MM-dd-yyyy',
  utcOffset: 0,
  timeZone: 'UTC',
};

/** What the sign-in and sign-up forms read before anyone is signed in (rest-auth spec). */
@Injectable()
export class PublicDirectoryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountsRepository,
    private readonly env: IdentityEnv,
  ) {}

  async institutes(accountCode?: string): Promise<InstituteView[]> {
    const account = await this.accounts.requirePublic(accountCode);
    return this.institutesOf(account.id);
  }

  async instituteByName(accountCode: string | undefined, name: string): Promise<InstituteView> {
    const account = await this.accounts.requirePublic(accountCode);
    const [institute] = await this.institutesOf(account.id, name);
    if (!institute) throw DomainError.notFound('Institute', { name });
    return institute;
  }

  async authDomains(accountCode?: string): Promise<AuthDomainView[]> {
    const account = await this.accounts.requirePublic(accountCode);
    const domains = await this.dataSource.getRepository(AuthDomain).find({ where: { accountId: account.id }, order: { name: 'ASC' } });
    return domains.map((d) => ({ name: d.name, type: d.type }));
  }

  /** The account's `locale` setting over the defaults. */
  async locale(accountCode?: string): Promise<LocaleSettingsView> {
    const account = await this.accounts.requirePublic(accountCode);
    const setting = await this.dataSource.getRepository(Setting).findOneBy({ accountId: account.id, key: 'locale' });
    const stored = setting?.value && typeof setting.value === 'object' ? (setting.value as Partial<LocaleSettingsView>) : {};
    return { ...DEFAULT_LOCALE, ...stored };
  }

  appProps(): AppPropsView {
    const features = this.env.IDENTITY_ENABLED_FEATURES.split(',').map((f) => f.trim()).filter(Boolean);
    return { buildVersion: this.env.IDENTITY_BUILD_VERSION, buildDate: this.env.IDENTITY_BUILD_DATE, plugins: [], enabledFeatures: features };
  }

  private async institutesOf(accountId: string, name?: string): Promise<InstituteView[]> {
    const rows: Array<{ id: string; name: string; departments: Array<{ id: string; name: string }> }> = await this.dataSource.query(
      `SELECT i."id", i."name",
         COALESCE((SELECT json_agg(json_build_object('id', d."id", 'name', d."name") ORDER BY d."name")
           FROM "identity"."departments" d WHERE d."institute_id" = i."id" AND d."account_id" = i."account_id"), '[]') AS "departments"
       FROM "identity"."institutes" i WHERE i."account_id" = $1 ${name !== undefined ? 'AND i."name" = $2' : ''} ORDER BY i."name"`,
      name !== undefined ? [accountId, name] : [accountId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, departments: r.departments }));
  }
}
