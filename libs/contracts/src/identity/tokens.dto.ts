import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsApiDate } from '../dates';
import { StrictInt } from '../numbers';

/** Body of `POST /api/v1/tokens`. */
export class CreateApiTokenBody {
  @IsUUID()
  userId: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  /** When the token stops working; never when absent. */
  @IsOptional()
  @IsApiDate()
  expiresAt?: Date;

  /** Per-client rate limit (admins only); the service default (50 / min) when absent. */
  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  rateLimitPerMinute?: number;
}

export class ApiTokenIdRequest {
  @IsUUID()
  id: string;
}

export interface ApiTokenView {
  id: string;
  name: string;
  userId: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  rateLimitPerMinute: number;
}

/** The one answer that carries the secret. */
export interface CreatedApiToken extends ApiTokenView {
  token: string;
}
