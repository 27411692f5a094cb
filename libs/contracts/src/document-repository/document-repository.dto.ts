import 'reflect-metadata';
import { IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsApiDate } from '../dates';
import { ReservationCommit } from '../uploads/upload-reservation.dto';
import { StrictInt } from '../numbers';
import { NestedObject } from '../nested-object';

export const ProjectRoles = ['read', 'write', 'admin'] as const;
export type ProjectRoleName = (typeof ProjectRoles)[number];
export const FieldTypes = ['string', 'number', 'date', 'boolean', 'select'] as const;
export type FieldType = (typeof FieldTypes)[number];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Folder and document names: no slash, no control characters. */
const NAME = /^[^/\u0000-\u001f\u007f]+$/;
export const DOCREPO_PAGE_SIZE_MAX = 200;
export const DOCREPO_PAGE_SIZE_DEFAULT = 50;

// ---- paths (gateway @Param() and the base of service requests) ----

export class ProjectParams {
  @IsUUID()
  projectId: string;
}

export class ProjectTeamParams extends ProjectParams {
  @IsUUID()
  teamId: string;
}

export class ProjectUserParams extends ProjectParams {
  @IsString()
  @MaxLength(254)
  @Matches(EMAIL)
  email: string;
}

export class FolderParams extends ProjectParams {
  @IsUUID()
  folderId: string;
}

export class FolderNameParams extends ProjectParams {
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;
}

export class DocumentParams extends ProjectParams {
  @IsUUID()
  documentId: string;
}

export class MoveDocumentParams extends DocumentParams {
  @IsUUID()
  folderId: string;
}

export class VersionParams extends DocumentParams {
  @IsUUID()
  versionId: string;
}

export class FieldValueParams extends DocumentParams {
  @IsUUID()
  fieldId: string;
}

// ---- queries ----

/** `?page=&pageSize=`: pages from 1, pageSize 1..200 (default 50). */
export class PageQuery {
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
  @Max(DOCREPO_PAGE_SIZE_MAX)
  pageSize?: number;
}

export class ListDocumentsQuery extends PageQuery {
  /** Documents changed (created, replaced, moved) after this instant. */
  @IsOptional()
  @IsApiDate()
  afterDate?: Date;
}

/** `?rejectDuplicate=true` on uploads. */
export class UploadQuery {
  @IsOptional()
  @IsIn(['true', 'false'])
  rejectDuplicate?: 'true' | 'false';
}

// ---- bodies ----

export class CreateProjectBody {
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @IsOptional()
  @IsUUID()
  templateId?: string;
}

export class UpdateProjectBody {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name?: string;
}

/** `PUT …/users/{email}` and `PUT …/teams/{teamId}`: no body means `read`. */
export class MemberRoleBody {
  @IsOptional()
  @IsIn(ProjectRoles)
  role?: ProjectRoleName;
}

export class TemplateFolderDto {
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(NAME)
  name: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => TemplateFolderDto)
  children?: TemplateFolderDto[];
}

export class CreateFieldBody {
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @IsIn(FieldTypes)
  type: FieldType;

  @IsOptional()
  @IsBoolean()
  required?: boolean;

  /** Only (and required) for `select`. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  allowedValues?: string[];
}

export class TemplateUserDto {
  @IsString()
  @MaxLength(254)
  @Matches(EMAIL)
  email: string;

  @IsIn(ProjectRoles)
  role: ProjectRoleName;
}

export class TemplateTeamDto {
  @IsUUID()
  teamId: string;

  @IsIn(ProjectRoles)
  role: ProjectRoleName;
}

export class TemplateMembersDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => TemplateUserDto)
  users?: TemplateUserDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => TemplateTeamDto)
  teams?: TemplateTeamDto[];
}

export class CreateTemplateBody {
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => TemplateFolderDto)
  folders?: TemplateFolderDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CreateFieldBody)
  fields?: CreateFieldBody[];

  @IsOptional()
  @NestedObject()
  @Type(() => TemplateMembersDto)
  members?: TemplateMembersDto;
}

export class CreateFolderBody {
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(NAME, { message: 'name cannot contain "/" or control characters' })
  name: string;

  @IsOptional()
  @IsUUID()
  parentId?: string;
}

export class UpdateDocumentBody {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(NAME, { message: 'name cannot contain "/" or control characters' })
  name?: string;
}

export class FieldValueBody {
  /** string | number | boolean | ISO date string, as the field's type says; null clears it. */
  @IsDefined({ message: 'value is required (null clears it)' })
  @Transform(({ obj }: { obj: Record<string, unknown> }) => obj['value'])
  value: unknown;
}

// ---- service requests (the gateway sends paths + bodies merged): the params class and the body
// class joined, so both ends validate by the same rules (IntersectionType copies the validators) ----

export class CreateProjectRequest extends CreateProjectBody {}
export class ListPageRequest extends PageQuery {}
export class UpdateProjectRequest extends IntersectionType(ProjectParams, UpdateProjectBody) {}
export class PutProjectTeamRequest extends IntersectionType(ProjectTeamParams, MemberRoleBody) {}
export class PutProjectUserRequest extends IntersectionType(ProjectUserParams, MemberRoleBody) {}
export class ListFoldersRequest extends ProjectParams {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(DOCREPO_PAGE_SIZE_MAX)
  pageSize?: number;
}
export class CreateProjectTemplateRequest extends CreateTemplateBody {}
export class CreateFolderRequest extends IntersectionType(ProjectParams, CreateFolderBody) {}
export class CreateFieldRequest extends IntersectionType(ProjectParams, CreateFieldBody) {}
export class PutFieldValueRequest extends IntersectionType(FieldValueParams, FieldValueBody) {}
export class ListDocumentsRequest extends ProjectParams {
  @IsOptional()
  @IsUUID()
  folderId?: string;

  @IsOptional()
  @IsApiDate()
  afterDate?: Date;

  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page: number = 1;

  @IsInt()
  @Min(1)
  @Max(DOCREPO_PAGE_SIZE_MAX)
  pageSize: number = DOCREPO_PAGE_SIZE_DEFAULT;
}
export class UpdateDocumentRequest extends IntersectionType(DocumentParams, UpdateDocumentBody) {}
export class ResolveContentRequest extends DocumentParams {
  @IsOptional()
  @IsUUID()
  versionId?: string;
}
/** The upload's preflight: reserves the key of the new document's (or version's) bytes. */
export class ReserveDocumentUploadRequest extends ProjectParams {
  /** Set for `…/replace`: a new version of this document. */
  @IsOptional()
  @IsUUID()
  documentId?: string;
}

/** Commits what the gateway wrote under a reservation as a new document. */
export class CommitDocumentRequest extends ReservationCommit {
  @IsUUID()
  projectId: string;

  @IsBoolean()
  rejectDuplicate: boolean;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name?: string;

  @IsOptional()
  @IsUUID()
  folderId?: string;

  /** Field values by field id (or name). */
  @IsOptional()
  @IsObject()
  fields?: Record<string, unknown>;
}

/** Commits what the gateway wrote under a reservation as the next version of a document. */
export class CommitDocumentVersionRequest extends ReservationCommit {
  @IsUUID()
  projectId: string;

  @IsUUID()
  documentId: string;

  @IsBoolean()
  rejectDuplicate: boolean;
}

// ---- replies ----

export interface DocrepoPage<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface ProjectView {
  id: string;
  name: string;
  templateId: string | null;
  createdBy: string;
  /** The caller's role in the project. */
  role?: ProjectRoleName;
  createdAt: string;
}

export interface ProjectUserView {
  userId: string;
  email: string;
  role: ProjectRoleName;
  addedAt: string;
}

export interface ProjectTeamView {
  teamId: string;
  role: ProjectRoleName;
  addedAt: string;
}

export interface TemplateView {
  id: string;
  name: string;
  folders: unknown[];
  fields: unknown[];
  members: { users?: unknown[]; teams?: unknown[] };
  createdAt: string;
}

export interface FolderView {
  id: string;
  name: string;
  parentId: string | null;
  createdAt: string;
}

export interface FieldView {
  id: string;
  name: string;
  type: FieldType;
  required: boolean;
  allowedValues: string[] | null;
}

export interface VersionView {
  id: string;
  number: number;
  size: number;
  sha256: string;
  contentType: string;
  uploadedBy: string;
  createdAt: string;
}

export interface DocumentView {
  id: string;
  projectId: string;
  name: string;
  folderId: string | null;
  contentType: string;
  version: VersionView;
  fields?: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}


export interface ContentView {
  key: string;
  size: number;
  sha256: string;
  contentType: string;
  fileName: string;
  versionNumber: number;
}

export interface DeletedReply {
  deleted: true;
}
