import { Injectable } from '@nestjs/common';
import { AppPropsView, AuthDomainView, InstituteView, LocaleSettingsView } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { AccountScope } from '@quire/platform';
import { AccountsRepository } from '../accounts/accounts.repository';
import { IdentityEnv } from '../identity.env';
import { DirectoryRepository } from './directory.repository';

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
    private readonly directory: DirectoryRepository,
    private readonly accounts: AccountsRepository,
    private readonly env: IdentityEnv,
  ) {}

  async institutes(accountCode?: string): Promise<InstituteView[]> {
    const account = await this.accounts.requirePublic(accountCode);
    return this.institutesOf({ accountId: account.id });
  }

  async instituteByName(accountCode: string | undefined, name: string): Promise<InstituteView> {
    const account = await this.accounts.requirePublic(accountCode);
    const [institute] = await this.institutesOf({ accountId: account.id }, name);
    if (!institute) throw DomainError.notFound('Institute', { name });
    return institute;
  }

  async authDomains(accountCode?: string): Promise<AuthDomainView[]> {
    const account = await this.accounts.requirePublic(accountCode);
    const domains = await this.accounts.domains({ accountId: account.id });
    return domains.map((d) => ({ name: d.name, type: d.type }));
  }

  /** The account's `locale` setting over the defaults. */
  async locale(accountCode?: string): Promise<LocaleSettingsView> {
    const account = await this.accounts.requirePublic(accountCode);
    const value = await this.directory.setting({ accountId: account.id }, 'locale');
    const stored = value && typeof value === 'object' ? (value as Partial<LocaleSettingsView>) : {};
    return { ...DEFAULT_LOCALE, ...stored };
  }

  appProps(): AppPropsView {
    const features = this.env.IDENTITY_ENABLED_FEATURES.split(',').map((f) => f.trim()).filter(Boolean);
    return { buildVersion: this.env.IDENTITY_BUILD_VERSION, buildDate: this.env.IDENTITY_BUILD_DATE, plugins: [], enabledFeatures: features };
  }

  private async institutesOf(scope: AccountScope, name?: string): Promise<InstituteView[]> {
    const rows = await this.directory.institutesWithDepartments(scope, name);
    return rows.map((r) => ({ id: r.id, name: r.name, departments: r.departments }));
  }
}
