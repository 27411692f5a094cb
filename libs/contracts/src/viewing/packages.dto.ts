import 'reflect-metadata';
import { IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { StreamedSourceFile, VIEWING_DOCUMENT_ID_PATTERN } from './sessions.dto';
import { NestedObject } from '../nested-object';

/** Where the document of a viewing package comes from. */
export const ViewingPackageSourceTypes = ['document', 'upload'] as const;
export type ViewingPackageSourceType = (typeof ViewingPackageSourceTypes)[number];

/** At most ten years; PrizmDoc's default is 30 days (VIEWING_PACKAGE_LIFETIME_SECONDS). */
export const MAX_VIEWING_PACKAGE_LIFETIME_SECONDS = 10 * 365 * 24 * 3600;

/** A field only some source types take; with another type the error names the field itself. */
function AllowedFor(types: readonly string[]): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'packageSourceFieldAllowed',
      target: target.constructor,
      propertyName: String(property),
      validator: {
        validate: (_value: unknown, args: ValidationArguments) => types.includes(String((args.object as Record<string, unknown>)['type'])),
        defaultMessage: (args: ValidationArguments) => `${args.property} is not allowed when type is "${String((args.object as Record<string, unknown>)['type'])}"`,
      },
    });
}

/** `input.source` of `POST /pas/v2/viewingPackageCreators`. */
export class ViewingPackageSourceBody {
  @IsIn(ViewingPackageSourceTypes)
  type: ViewingPackageSourceType;

  /** The package's name within the account; a new package of the same documentId replaces the old one. */
  @IsDefined({ message: 'documentId is required' })
  @IsString()
  @Matches(VIEWING_DOCUMENT_ID_PATTERN, { message: 'documentId must be 1-128 letters, digits, ".", "_" or "-"' })
  documentId: string;

  /** `document`: names a document of the caller's account (scheme in README "fileName"). */
  @ValidateIf((o: ViewingPackageSourceBody) => o.type === 'document' || o.fileName !== undefined)
  @IsDefined({ message: 'fileName is required for this source type' })
  @AllowedFor(['document'])
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  fileName?: string;

  /** `upload`: the uploaded document's name (its extension helps to detect the format). */
  @ValidateIf((o: ViewingPackageSourceBody) => o.displayName !== undefined)
  @AllowedFor(['upload'])
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  displayName?: string;
}

export class ViewingPackageCreatorInput {
  @IsDefined()
  @NestedObject()
  @Type(() => ViewingPackageSourceBody)
  source: ViewingPackageSourceBody;

  /** Seconds the package is kept after it is created. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_VIEWING_PACKAGE_LIFETIME_SECONDS)
  viewingPackageLifetime?: number;
}

/** `POST /pas/v2/viewingPackageCreators`. */
export class CreateViewingPackageBody {
  @IsDefined()
  @NestedObject()
  @Type(() => ViewingPackageCreatorInput)
  input: ViewingPackageCreatorInput;
}

export const ViewingPackageProcessStates = ['queued', 'processing', 'complete', 'error'] as const;
export type ViewingPackageProcessState = (typeof ViewingPackageProcessStates)[number];

/** A package creator process (answer of POST and GET /pas/v2/viewingPackageCreators…). */
export interface ViewingPackageCreatorReply {
  processId: string;
  expirationDateTime: string;
  input: { source: { type: ViewingPackageSourceType; documentId: string; fileName?: string; displayName?: string }; viewingPackageLifetime: number };
  state: ViewingPackageProcessState;
  percentComplete: number;
  /** When complete: the package, viewable with `{source: {type: 'viewingPackage', documentId}}`. */
  output?: { documentId: string; packageExpirationDateTime: string };
  errorCode?: string;
}

/** `GET /pas/v2/viewingPackages/{documentId}`. */
export interface ViewingPackageReply {
  documentId: string;
  processId: string;
  state: ViewingPackageProcessState;
  expirationDateTime: string;
}

export class ViewingPackageProcessRequest {
  @IsUUID('4', { message: 'processId is not a viewing package creator id' })
  processId: string;
}

export class ViewingPackageRequest {
  @Matches(VIEWING_DOCUMENT_ID_PATTERN, { message: 'documentId is not a viewing package id' })
  documentId: string;
}

export class CommitPackageSourceFileRequest extends IntersectionType(ViewingPackageProcessRequest, StreamedSourceFile) {}
