import { DynamicModule, Module } from '@nestjs/common';
import { ServiceSchemas } from '@quire/contracts';
import { outboxProvider, ServicePlatformModule, SystemModule } from '@quire/platform';
import { ApiTokensController } from './api-tokens/api-tokens.controller';
import { ApiTokensService } from './api-tokens/api-tokens.service';
import { BootstrapAccount } from './bootstrap/bootstrap-account';
import { DirectoryController } from './directory/directory.controller';
import { DirectoryService } from './directory/directory.service';
import { PublicDirectoryService } from './directory/public-directory.service';
import { identityEntities } from './entities';
import { IdentityEnv } from './identity.env';
import { DevMailSink } from './mail/dev-mail-sink';
import { migrations } from './migrations';
import { identityRepositories } from './repositories';
import { RoomsController } from './rooms/rooms.controller';
import { LoginLockout } from './sessions/login-lockout';
import { LoginUseCase } from './sessions/login.use-case';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsService } from './sessions/sessions.service';
import { SelfServiceService } from './users/self-service.service';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';
import { SessionRevocations } from './sessions/session-revocations';
import { LogoutUseCase } from './sessions/logout.use-case';
import { RevokeApiTokenUseCase } from './api-tokens/revoke-api-token.use-case';
import { CreateUsersUseCase } from './users/create-users.use-case';
import { RequestPasswordResetUseCase } from './users/request-password-reset.use-case';
import { ResetPasswordUseCase } from './users/reset-password.use-case';
import { SetUserRoleUseCase } from './users/set-user-role.use-case';
import { SetUserStatusUseCase } from './users/set-user-status.use-case';
import { SignUpUseCase } from './users/sign-up.use-case';
import { RestUsersService } from './users/rest-users.service';
import { UpdateUserUseCase } from './users/update-user.use-case';

@Module({
  controllers: [RoomsController, SessionsController, ApiTokensController, UsersController, DirectoryController],
  providers: [
    ...identityRepositories,
    SessionRevocations,
    LogoutUseCase,
    RevokeApiTokenUseCase,
    CreateUsersUseCase,
    SetUserStatusUseCase,
    UpdateUserUseCase,
    SetUserRoleUseCase,
    SignUpUseCase,
    RequestPasswordResetUseCase,
    ResetPasswordUseCase,
    outboxProvider(ServiceSchemas['identity'], 5000),
    DevMailSink,
    BootstrapAccount,
    LoginLockout,
    LoginUseCase,
    SessionsService,
    ApiTokensService,
    UsersService,
    RestUsersService,
    SelfServiceService,
    DirectoryService,
    PublicDirectoryService,
  ],
})
export class IdentityModule {
  static forRoot(env: IdentityEnv): DynamicModule {
    return {
      module: IdentityModule,
      imports: [
        ServicePlatformModule.forRoot({
          name: 'identity',
          env,
          envClass: IdentityEnv,
          database: { schema: ServiceSchemas['identity'], entities: identityEntities, migrations },
          storage: false,
        }),
        SystemModule.forService('identity'),
      ],
    };
  }
}
