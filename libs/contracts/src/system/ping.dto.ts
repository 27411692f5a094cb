import { IsOptional, IsString, MaxLength } from 'class-validator';

export class PingRequest {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  echo?: string;
}

export interface PingReply {
  service: string;
  /** The newest migration applied to the service's schema: one row read from Postgres. */
  migration: string | null;
  echo?: string;
}
