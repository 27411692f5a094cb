import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { IsApiDate } from '../dates';
import { StrictInt } from '../numbers';
import { PersonName } from './person-name';

/** OpenSpecimen's `activityStatus` values for Quire's user statuses (`pending`, `active`, …). */
export const RestActivityStatuses = ['Pending', 'Active', 'Locked', 'Disabled'] as const;
export type RestActivityStatus = (typeof RestActivityStatuses)[number];

/** `GET /rest/ng/users?maxResults=` is bounded (ADR 016); OpenSpecimen's default is 100. */
export const REST_USERS_DEFAULT_MAX_RESULTS = 100;
export const REST_USERS_MAX_RESULTS = 1000;

/**
 * A user as `GET /rest/ng/users` and `GET /rest/ng/users/current-user` answer it (OpenSpecimen's
 * UserSummary). `creationDate` is epoch milliseconds, as OpenSpecimen's Jackson writes a Date;
 * `instituteName` is left out when the user has none (OpenSpecimen writes no nulls).
 */
export interface RestUserSummary {
  id: string;
  firstName: string;
  lastName: string;
  loginName: string;
  domain: string;
  emailAddress: string;
  instituteName?: string;
  admin: boolean;
  activityStatus: RestActivityStatus;
  creationDate: number;
}

/** A user as `GET /rest/ng/users/{id}` and `PUT /rest/ng/users/{id}` answer it (OpenSpecimen's UserDetail). */
export interface RestUserDetail {
  id: string;
  firstName: string;
  lastName: string;
  loginName: string;
  domainName: string;
  emailAddress: string;
  instituteName?: string;
  deptName?: string;
  admin: boolean;
  activityStatus: RestActivityStatus;
  creationDate: number;
}

/** `true` / `false` in a query string, a boolean in JSON; anything else stays as it is (and fails). */
const QueryBoolean = () => Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

/** The filters `GET /rest/ng/users` and `GET /rest/ng/users/count` share (OpenSpecimen's names). */
export class RestUsersCountQuery {
  /** Part of the first name, last name, "first last" or email address, case-insensitive. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  searchString?: string;

  /** Part of the first or last name (ignored when `searchString` is given, as in OpenSpecimen). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  /** Part of the login name (ignored when `searchString` is given). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  loginName?: string;

  /** Institute name, exactly. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  institute?: string;

  /** Authentication domain name, exactly. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  domainName?: string;

  /** One of Active, Pending, Locked, Disabled (any case), or `all`; absent = every status but Disabled. */
  @IsOptional()
  @IsString()
  @Matches(/^(active|pending|locked|disabled|all)$/i, { message: 'activityStatus must be Active, Pending, Locked, Disabled or all' })
  activityStatus?: string;

  /** `false`: a non-admin sees only the users of their own institute (OpenSpecimen's default is `true`). */
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  listAll?: boolean;
}

export class RestUsersListQuery extends RestUsersCountQuery {
  /** Rows to skip (from 0). */
  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  start?: number;

  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(REST_USERS_MAX_RESULTS)
  maxResults?: number;

  /** Accepted for OpenSpecimen clients; Quire has no collection protocols to count, so it changes nothing. */
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  includeStats?: boolean;
}

const LOGIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{1,99}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Body of `PUT /rest/ng/users/{id}`: the UserDetail as GET answers it, so a client can send back
 * what it read. firstName, lastName and emailAddress are required (OpenSpecimen's UserFactory
 * requires them); every other field absent (or `null` for loginName, admin, activityStatus) means
 * unchanged; `instituteName` / `deptName` `null` clears them. `id`, `domainName` and `creationDate`
 * are read-only: `id` must be the path's, `domainName` the user's own, `creationDate` is ignored.
 */
export class UpdateRestUserBody {
  @IsOptional()
  @IsUUID()
  id?: string;

  @PersonName()
  firstName: string;

  @PersonName()
  lastName: string;

  @IsString()
  @MaxLength(254)
  @Matches(EMAIL, { message: 'emailAddress must be an email address' })
  emailAddress: string;

  @IsOptional()
  @IsString()
  @Matches(LOGIN_NAME, { message: 'loginName must be 2-100 letters, digits or _ . @ + - and start with a letter or digit' })
  loginName?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  domainName?: string;

  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  instituteName?: string | null;

  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  deptName?: string | null;

  @IsOptional()
  @IsBoolean()
  admin?: boolean;

  @IsOptional()
  @IsIn(RestActivityStatuses)
  activityStatus?: RestActivityStatus;

  @IsOptional()
  @IsApiDate()
  creationDate?: Date;
}

export class UpdateRestUserRequest extends UpdateRestUserBody {
  @IsUUID()
  userId: string;
}
