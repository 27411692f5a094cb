import { AccountsRepository } from './accounts/accounts.repository';
import { ApiTokensRepository } from './api-tokens/api-tokens.repository';
import { DirectoryRepository } from './directory/directory.repository';
import { TeamsRepository } from './directory/teams.repository';
import { LoginSessionsRepository } from './sessions/login-sessions.repository';
import { PasswordResetsRepository } from './users/password-resets.repository';
import { UsersRepository } from './users/users.repository';

/** Every repository of the service; the medium tests register the same list. */
export const identityRepositories = [
  AccountsRepository,
  UsersRepository,
  ApiTokensRepository,
  DirectoryRepository,
  TeamsRepository,
  LoginSessionsRepository,
  PasswordResetsRepository,
];
