import { Account, AuthDomain, Setting } from './accounts/account.entity';
import { ApiToken } from './api-tokens/api-token.entity';
import { Department, Institute, Role, Team, TeamMember, UserRole } from './directory/directory.entities';
import { LoginFailure } from './sessions/login-failure.entity';
import { LoginSession } from './sessions/login-session.entity';
import { PasswordResetToken, User } from './users/user.entity';

/** Every table of the `identity` schema (see the migrations). */
export const identityEntities = [Account, AuthDomain, Setting, User, PasswordResetToken, LoginSession, LoginFailure, ApiToken, Role, UserRole, Team, TeamMember, Institute, Department];
