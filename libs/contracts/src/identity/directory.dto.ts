import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsApiDate } from '../dates';
import { PublicAccountRequest } from './auth.dto';
import { StrictInt } from '../numbers';
import { PersonName } from './person-name';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface UserView {
  id: string;
  loginName: string;
  email: string;
  firstName: string;
  lastName: string;
  status: string;
  roles: string[];
  /** UTC, ISO-8601. */
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** `GET /api/v1/users?page=&pageSize=&createdAfter=`: pages start at 1. */
export class ListUsersQuery {
  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;

  @IsOptional()
  @IsApiDate()
  createdAfter?: Date;
}

/** One user of `POST /api/v1/users` (the body is one of these or an array of them). */
export class CreateUserBody {
  @IsString()
  @MaxLength(254)
  @Matches(EMAIL)
  email: string;

  /** Defaults to the email address. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.@+-]{1,99}$/)
  loginName?: string;

  @PersonName()
  firstName: string;

  @PersonName()
  lastName: string;

  /** Role names; `user` when absent. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  roles?: string[];
}

export class CreateUsersRequest {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CreateUserBody)
  users: CreateUserBody[];
}

export class UserIdRequest {
  @IsUUID()
  userId: string;
}

export class UserByEmailQuery {
  @IsString()
  @MaxLength(254)
  @Matches(EMAIL)
  email: string;
}

export interface RoleView {
  name: string;
  description: string;
}

export interface TeamView {
  id: string;
  name: string;
  memberCount: number;
}

export class TeamIdRequest {
  @IsUUID()
  teamId: string;
}

export class TeamMemberRequest {
  @IsUUID()
  teamId: string;

  @IsString()
  @MaxLength(254)
  @Matches(EMAIL)
  email: string;
}

export class CreateTeamBody {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}

export interface DepartmentView {
  id: string;
  name: string;
}

export interface InstituteView {
  id: string;
  name: string;
  departments: DepartmentView[];
}

export class InstituteByNameRequest extends PublicAccountRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}

export class InstituteByNameQuery {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}

export interface LocaleSettingsView {
  locale: string;
  dateFmt: string;
  timeFmt: string;
  deFeDateFmt: string;
  utcOffset: number;
  timeZone: string;
}

export interface AppPropsView {
  buildVersion: string;
  buildDate: string;
  plugins: string[];
  enabledFeatures: string[];
}

/** `svc.identity.user.known`: of these ids, those naming a user of the caller's account. */
export class KnownUsersRequest {
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  userIds: string[];
}

export interface KnownUsersReply {
  /** The ids that are users of the account (any status), in the order asked. */
  known: string[];
}

/** `PUT|DELETE /api/v1/users/{userId}/roles/{role}`: one of the account's roles (`GET /roles`). */
export class UserRoleRequest {
  @IsUUID()
  userId: string;

  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,62}$/)
  role: string;
}
