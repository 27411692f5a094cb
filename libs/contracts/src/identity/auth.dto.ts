import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PersonName } from './person-name';

const ACCOUNT_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Public identity calls name the account by its code (`X-AccountCode`); the default account otherwise. */
export class PublicAccountRequest {
  @IsOptional()
  @Matches(ACCOUNT_CODE)
  accountCode?: string;
}

/** Body of `POST /rest/ng/sessions`. */
export class LoginBody {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  loginName: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;

  /** Authentication domain; `openspecimen` (the built-in one) when absent. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  domainName?: string;
}

export class LoginRequest extends LoginBody {
  @IsOptional()
  @Matches(ACCOUNT_CODE)
  accountCode?: string;

  /** The caller's address as the gateway saw it (lockout is per user and address); never from the body. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  clientAddress?: string;
}

/** The user as `POST /rest/ng/sessions` answers it, plus the token. */
export interface LoginReply {
  id: string;
  loginName: string;
  firstName: string;
  lastName: string;
  emailAddress: string;
  domainName: string;
  accountCode: string;
  roles: string[];
  admin: boolean;
  token: string;
}

export class ResolveSessionRequest {
  @IsUUID()
  sessionId: string;

  @IsUUID()
  userId: string;
}

export class ResolveApiTokenRequest {
  @IsString()
  @MaxLength(4096)
  token: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  accountCode?: string;
}

export const BUILT_IN_AUTH_DOMAIN = 'openspecimen';

export interface AuthDomainView {
  name: string;
  type: string;
}

/** Body of `POST /rest/ng/users/sign-up`. */
export class SignUpBody {
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.@+-]{1,99}$/)
  loginName: string;

  @IsString()
  @MaxLength(254)
  @Matches(/^[^\s@]+@[^\s@]+\.[^\s@]+$/)
  emailAddress: string;

  @PersonName()
  firstName: string;

  @PersonName()
  lastName: string;

  @IsString()
  @MaxLength(200)
  password: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  instituteName?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  deptName?: string;
}

export class SignUpRequest extends SignUpBody {
  @IsOptional()
  @Matches(ACCOUNT_CODE)
  accountCode?: string;
}

/** Body of `POST /rest/ng/users/forgot-password`. */
export class ForgotPasswordBody {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  loginName: string;
}

export class ForgotPasswordRequest extends ForgotPasswordBody {
  @IsOptional()
  @Matches(ACCOUNT_CODE)
  accountCode?: string;
}

/** Body of `POST /rest/ng/users/reset-password`. */
export class ResetPasswordBody {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  loginName: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  resetPasswordToken: string;

  @IsString()
  @MaxLength(200)
  password: string;
}

export class ResetPasswordRequest extends ResetPasswordBody {
  @IsOptional()
  @Matches(ACCOUNT_CODE)
  accountCode?: string;
}

export const UserStatuses = ['pending', 'active', 'locked', 'disabled'] as const;
export type UserStatus = (typeof UserStatuses)[number];

/** Body of `PUT /rest/ng/users/{id}/status` (admin): approve / unlock / enable, lock, disable. */
export class SetUserStatusBody {
  @IsIn(['active', 'locked', 'disabled'])
  status: 'active' | 'locked' | 'disabled';
}

export class SetUserStatusRequest extends SetUserStatusBody {
  @IsUUID()
  userId: string;
}

/** A status change; `rejected` when an admin disabled a pending sign-up. */
export interface UserStatusReply {
  id: string;
  status: UserStatus;
}
