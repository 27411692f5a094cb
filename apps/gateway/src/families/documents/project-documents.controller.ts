import { Readable } from 'node:stream';
import { Body, Controller, Delete, Get, HttpCode, Logger, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import {
  ContentView,
  DeletedReply,
  DocrepoPage,
  DocumentParams,
  DocumentRepositorySubjects as S,
  DocumentView,
  FieldValueBody,
  FieldValueParams,
  FolderParams,
  ListDocumentsQuery,
  MoveDocumentParams,
  Principal,
  ProjectParams,
  UpdateDocumentBody,
  UploadReservation,
  CommitDocumentRequest,
  CommitDocumentVersionRequest,
  UploadQuery,
  VersionParams,
  VersionView,
  DOCREPO_PAGE_SIZE_DEFAULT,
} from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { ObjectBody, ObjectStorage, RpcClient, storageCall } from '@quire/platform';
import { CurrentPrincipal, RequestId } from '../../auth/auth.guard';
import { UploadPipeline } from '../../uploads/upload-pipeline';
import { contentDisposition, matchesEtag, parseRange } from '../file-upload/byte-ranges';

/** The commit heads the object and writes rows; no bytes are copied. */
const COMMIT_TIMEOUT_MS = 30_000;
/** Any bytes are a document; the first bytes only name the type when recognisable. */
const ANY_DOCUMENT = { description: 'a document', signature: () => true };
/** Types a browser may show in place; anything else is a download. */
const INLINE_TYPES = /^(image\/(jpeg|png|gif|webp)|application\/pdf|text\/plain)(;|$)/;

const example = {
  id: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  projectId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  name: 'witness-statement.pdf',
  folderId: null,
  contentType: 'application/pdf',
  version: { id: '6ba7b811-9dad-11d1-80b4-00c04fd430c8', number: 1, size: 52344, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', contentType: 'application/pdf', uploadedBy: '7c9e6679-7425-40de-944b-e07fc1f90ae7', createdAt: '2026-12-02T10:00:00.000Z' },
  createdBy: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  createdAt: '2026-12-02T10:00:00.000Z',
  updatedAt: '2026-12-02T10:00:00.000Z',
};

/** Documents, versions and their bytes (documents spec "Documents", "Fields"; ADR 010). */
@ApiTags('documents')
@ApiSecurity('X-Api-Token')
@Controller('api/v1/projects/:projectId/documents')
export class ProjectDocumentsController {
  private readonly logger = new Logger(ProjectDocumentsController.name);

  constructor(
    private readonly rpc: RpcClient,
    private readonly uploads: UploadPipeline,
    private readonly storage: ObjectStorage,
  ) {}

  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: 'Upload a document (write role): multipart `file`, optional `name`, `folderId`, `fields` (JSON {fieldIdOrName: value}); ?rejectDuplicate=true → 409 {details: {documentId, name}} when the bytes equal a current version in the project; 201',
    description: `Example answer: ${JSON.stringify(example)}`,
  })
  upload(@Param() params: ProjectParams, @Query() query: UploadQuery, @Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DocumentView> {
    const context = { requestId, principal };
    return this.uploads.upload(request, {
      reserve: () => this.rpc.request<UploadReservation>(S.reserveUpload, params, context),
      spec: () => ({ files: { file: ANY_DOCUMENT }, fields: { name: { maxLength: 255 }, folderId: { maxLength: 36 }, fields: { maxLength: 100_000 } } }),
      commit: ({ reservationId }, { files, fields }) =>
        this.rpc.request<DocumentView>(
          S.commitDocument,
          {
            ...params,
            reservationId,
            files,
            rejectDuplicate: query.rejectDuplicate === 'true',
            name: fields['name'] || undefined,
            folderId: fields['folderId'] || undefined,
            fields: fieldValuesOf(fields['fields']),
          } satisfies CommitDocumentRequest,
          { ...context, timeoutMs: COMMIT_TIMEOUT_MS },
        ),
    });
  }

  @Post(':documentId/replace')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: 'Replace a document with a new version (write role): multipart `file`; the version number is max + 1; ?rejectDuplicate=true as on upload; 201' })
  replace(@Param() params: DocumentParams, @Query() query: UploadQuery, @Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DocumentView> {
    const context = { requestId, principal };
    return this.uploads.upload(request, {
      reserve: () => this.rpc.request<UploadReservation>(S.reserveUpload, params, context),
      spec: () => ({ files: { file: ANY_DOCUMENT } }),
      commit: ({ reservationId }, { files }) =>
        this.rpc.request<DocumentView>(
          S.commitVersion,
          { ...params, reservationId, files, rejectDuplicate: query.rejectDuplicate === 'true' } satisfies CommitDocumentVersionRequest,
          { ...context, timeoutMs: COMMIT_TIMEOUT_MS },
        ),
    });
  }

  @Get()
  @ApiOperation({ summary: 'Documents of a project: {items, page, pageSize, total}; ?afterDate= (epoch ms or ISO-8601 with an offset: changed after it) &page=&pageSize=', description: `Example item: ${JSON.stringify(example)}` })
  list(@Param() params: ProjectParams, @Query() query: ListDocumentsQuery, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DocrepoPage<DocumentView>> {
    return this.rpc.request(S.listDocuments, listRequest(params, query), { requestId, principal });
  }

  @Get('folder/:folderId')
  @ApiOperation({ summary: 'Documents in one folder; ?afterDate= &page= &pageSize= as on the project list' })
  listInFolder(@Param() params: FolderParams, @Query() query: ListDocumentsQuery, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DocrepoPage<DocumentView>> {
    return this.rpc.request(S.listDocuments, listRequest(params, query), { requestId, principal });
  }

  @Get(':documentId')
  @ApiOperation({ summary: 'One document with its current version and field values', description: `Example: ${JSON.stringify({ ...example, fields: {} })}` })
  get(@Param() params: DocumentParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DocumentView> {
    return this.rpc.request(S.getDocument, params, { requestId, principal });
  }

  @Patch(':documentId')
  @ApiOperation({ summary: 'Rename a document {name} (write role); POST does the same' })
  update(@Param() params: DocumentParams, @Body() body: UpdateDocumentBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DocumentView> {
    return this.rpc.request(S.updateDocument, { ...params, ...body }, { requestId, principal });
  }

  @Post(':documentId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Same as PATCH (the spec: "resource endpoints also accept POST requests")' })
  updateByPost(@Param() params: DocumentParams, @Body() body: UpdateDocumentBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DocumentView> {
    return this.update(params, body, principal, requestId);
  }

  @Put(':documentId/:folderId')
  @ApiOperation({ summary: 'Move a document into a folder (write role); no body (Content-Length: 0) or {}' })
  move(@Param() params: MoveDocumentParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DocumentView> {
    return this.rpc.request(S.moveDocument, params, { requestId, principal });
  }

  @Delete(':documentId')
  @ApiOperation({ summary: 'Delete a document and all its versions (admin role)' })
  delete(@Param() params: DocumentParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DeletedReply> {
    return this.rpc.request(S.deleteDocument, params, { requestId, principal });
  }

  @Get(':documentId/versions')
  @ApiOperation({ summary: 'Versions of a document by number: [{id, number, size, sha256, contentType, uploadedBy, createdAt}]' })
  versions(@Param() params: DocumentParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<VersionView[]> {
    return this.rpc.request(S.listVersions, params, { requestId, principal });
  }

  @Delete(':documentId/versions/:versionId')
  @ApiOperation({ summary: 'Delete a version (admin role); the only version → 409 "You cannot delete the only version of a document"' })
  deleteVersion(@Param() params: VersionParams, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<DeletedReply> {
    return this.rpc.request(S.deleteVersion, params, { requestId, principal });
  }

  @Put(':documentId/fields/:fieldId')
  @ApiOperation({ summary: 'Set a metadata field of a document {value} (write role; null clears); answers all its values by field id' })
  putField(@Param() params: FieldValueParams, @Body() body: FieldValueBody, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<Record<string, unknown>> {
    return this.rpc.request(S.putFieldValue, { ...params, value: body.value }, { requestId, principal });
  }

  @Get(':documentId/content')
  @ApiOperation({ summary: 'The current version\'s bytes, streamed; Range, ETag (sha256), If-None-Match, Content-Disposition' })
  content(@Param() params: DocumentParams, @Req() request: FastifyRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<void> {
    return this.stream(params, request, reply, principal, requestId);
  }

  @Get(':documentId/versions/:versionId/content')
  @ApiOperation({ summary: 'One version\'s bytes, streamed; Range, ETag, Content-Disposition' })
  versionContent(@Param() params: VersionParams, @Req() request: FastifyRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @RequestId() requestId: string): Promise<void> {
    return this.stream(params, request, reply, principal, requestId);
  }

  /** Headers only once the object is open, so an error answer never carries a document's headers; HEAD opens nothing. */
  private async stream(params: DocumentParams & { versionId?: string }, request: FastifyRequest, reply: FastifyReply, principal: Principal, requestId: string): Promise<void> {
    const content = await this.rpc.request<ContentView>(S.resolveContent, params, { requestId, principal });
    const etag = `"${content.sha256}"`;
    const validators = { ETag: etag, 'Cache-Control': 'private, max-age=0, must-revalidate', 'Accept-Ranges': 'bytes' };
    if (matchesEtag(header(request, 'if-none-match'), etag)) {
      void reply.status(304).headers(validators).send();
      return;
    }
    const range = parseRange(header(request, 'range'), content.size);
    if (range === 'unsatisfiable') {
      void reply.status(416).headers({ ...validators, 'Content-Range': `bytes */${content.size}` }).send();
      return;
    }
    const length = range ? range.end - range.start + 1 : content.size;
    const headers = {
      ...validators,
      'Content-Type': content.contentType,
      'Content-Length': String(length),
      'Content-Disposition': contentDisposition(INLINE_TYPES.test(content.contentType) ? 'inline' : 'attachment', content.fileName),
      // Non-inline types never sniffed into something a browser runs.
      'X-Content-Type-Options': 'nosniff',
    };
    // HEAD: an empty stream, so Fastify's HEAD handling keeps our Content-Length (it sets 0 for no payload).
    const body: Readable = request.method === 'HEAD' ? Readable.from([]) : (await this.fetch(content.key, range ? `bytes=${range.start}-${range.end}` : undefined)).body;
    void reply.headers(headers);
    if (range) void reply.status(206).header('Content-Range', `bytes ${range.start}-${range.end}/${content.size}`);
    else void reply.status(200);
    void reply.send(body);
  }

  private async fetch(key: string, range: string | undefined): Promise<ObjectBody> {
    const object = await storageCall(this.logger, 'Reading a document from storage', () => this.storage.get(key, range), { key });
    if (!object) throw DomainError.notFound('Document version');
    return object;
  }
}

function listRequest(params: ProjectParams & { folderId?: string }, query: ListDocumentsQuery) {
  return { ...params, afterDate: query.afterDate?.toISOString(), page: query.page ?? 1, pageSize: query.pageSize ?? DOCREPO_PAGE_SIZE_DEFAULT };
}

/** `fields` of an upload: a JSON object; anything else is the client's mistake. */
function fieldValuesOf(raw: string | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw DomainError.validation('fields must be a JSON object', { fields: { fields: ['invalid JSON'] } });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw DomainError.validation('fields must be a JSON object', { fields: { fields: ['not an object'] } });
  return parsed as Record<string, unknown>;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
