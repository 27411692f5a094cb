import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@quire/auth';
import { AppPropsView, AuthDomainView, InstituteByNameQuery, InstituteView, LocaleSettingsView, Subjects } from '@quire/contracts';
import { RpcClient } from '@quire/platform';
import { RequestId } from '../../auth/auth.guard';
import { AccountCode, withAccount } from './account-code.decorator';

/** What the sign-in / sign-up forms read before anyone is signed in (rest-auth spec). */
@ApiTags('rest-auth')
@Public()
@Controller('rest/ng')
export class PublicDirectoryController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('institutes')
  institutes(@AccountCode() accountCode: string | undefined, @RequestId() requestId: string): Promise<InstituteView[]> {
    return this.rpc.request(Subjects.Identity.listInstitutes, withAccount({}, accountCode), { requestId });
  }

  @Get('institutes/byname')
  instituteByName(@Query() query: InstituteByNameQuery, @AccountCode() accountCode: string | undefined, @RequestId() requestId: string): Promise<InstituteView> {
    return this.rpc.request(Subjects.Identity.getInstituteByName, withAccount({ name: query.name }, accountCode), { requestId });
  }

  @Get('config-settings/locale')
  locale(@AccountCode() accountCode: string | undefined, @RequestId() requestId: string): Promise<LocaleSettingsView> {
    return this.rpc.request(Subjects.Identity.localeSettings, withAccount({}, accountCode), { requestId });
  }

  @Get('config-settings/app-props')
  appProps(@RequestId() requestId: string): Promise<AppPropsView> {
    return this.rpc.request(Subjects.Identity.appProps, {}, { requestId });
  }

  @Get('auth-domains')
  authDomains(@AccountCode() accountCode: string | undefined, @RequestId() requestId: string): Promise<AuthDomainView[]> {
    return this.rpc.request(Subjects.Identity.listAuthDomains, withAccount({}, accountCode), { requestId });
  }
}
