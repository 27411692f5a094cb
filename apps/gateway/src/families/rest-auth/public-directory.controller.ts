import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@quire/auth';
import { AppPropsView, AuthDomainView, InstituteByNameQuery, InstituteView, LocaleSettingsView } from '@quire/contracts';
import { RequestId } from '../../auth/auth.guard';
import { IdentityClient } from '../identity-client';
import { AccountCode } from './account-code.decorator';

/** What the sign-in / sign-up forms read before anyone is signed in (rest-auth spec). */
@ApiTags('rest-auth')
@Public()
@Controller('rest/ng')
export class PublicDirectoryController {
  constructor(private readonly identity: IdentityClient) {}

  @Get('institutes')
  institutes(@AccountCode() accountCode: string | undefined, @RequestId() requestId: string): Promise<InstituteView[]> {
    return this.identity.institutes({ requestId, accountCode });
  }

  @Get('institutes/byname')
  instituteByName(@Query() query: InstituteByNameQuery, @AccountCode() accountCode: string | undefined, @RequestId() requestId: string): Promise<InstituteView> {
    return this.identity.instituteByName(query.name, { requestId, accountCode });
  }

  @Get('config-settings/locale')
  locale(@AccountCode() accountCode: string | undefined, @RequestId() requestId: string): Promise<LocaleSettingsView> {
    return this.identity.locale({ requestId, accountCode });
  }

  @Get('config-settings/app-props')
  appProps(@RequestId() requestId: string): Promise<AppPropsView> {
    return this.identity.appProps(requestId);
  }

  @Get('auth-domains')
  authDomains(@AccountCode() accountCode: string | undefined, @RequestId() requestId: string): Promise<AuthDomainView[]> {
    return this.identity.authDomains({ requestId, accountCode });
  }
}
