import { Controller, Get, Logger, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { FileSubjects, FileViewReply } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectBody, ObjectStorage, Public, RpcClient } from '@quire/platform';
import { RequestId } from '../../auth/auth.guard';
import { contentDisposition, matchesEtag, parseRange } from './byte-ranges';
import { ViewFileParams, ViewFileQuery } from './file-upload.dto';

/** Rendering a variant of a large image can take a while; the service answers with a key only. */
const VIEW_TIMEOUT_MS = 30_000;

/** Types a browser may show in place; anything else is offered as a download. */
const INLINE_TYPES = /^(image\/(jpeg|png|gif|webp)|application\/pdf|text\/plain)(;|$)/;

/**
 * `GET /files/view/:id?auth_code=&time=&size=WxH`: authorised by the link's signature alone
 * (checked by the file service against the live row). The bytes stream from S3 through here.
 */
@ApiTags('file-upload')
@Controller('files/view')
export class FileViewController {
  private readonly logger = new Logger(FileViewController.name);

  constructor(
    private readonly rpc: RpcClient,
    private readonly storage: ObjectStorage,
  ) {}

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'Download a file (or a PNG variant with size=WxH) by its signed link' })
  async view(
    @Param() params: ViewFileParams,
    @Query() query: ViewFileQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @RequestId() requestId: string,
  ): Promise<void> {
    // Headers are set only once the object is open, so an error answer never carries a file's headers.
    const view = await this.rpc.request<FileViewReply>(
      FileSubjects.view,
      { id: params.id, authCode: query.auth_code, time: query.time, size: query.size },
      { requestId, timeoutMs: VIEW_TIMEOUT_MS },
    );
    const validators = { ETag: view.etag, 'Cache-Control': 'private, max-age=0, must-revalidate', 'Accept-Ranges': 'bytes' };
    if (matchesEtag(header(request, 'if-none-match'), view.etag)) {
      void reply.status(304).headers(validators).send();
      return;
    }
    const range = parseRange(header(request, 'range'), view.size);
    if (range === 'unsatisfiable') {
      void reply.status(416).headers({ ...validators, 'Content-Range': `bytes */${view.size}` }).send();
      return;
    }
    const object = await this.fetch(view.key, range ? `bytes=${range.start}-${range.end}` : undefined);
    void reply.headers({
      ...validators,
      'Content-Type': view.contentType,
      'Content-Length': String(object.size),
      'Content-Disposition': contentDisposition(INLINE_TYPES.test(view.contentType) ? 'inline' : 'attachment', view.fileName),
    });
    if (range) void reply.status(206).header('Content-Range', `bytes ${range.start}-${range.end}/${view.size}`);
    else void reply.status(200);
    void reply.send(object.body);
  }

  private async fetch(key: string, range: string | undefined): Promise<ObjectBody> {
    let object: ObjectBody | undefined;
    try {
      object = await this.storage.get(key, range);
    } catch (error) {
      this.logger.error({ err: error, key }, 'Reading a file from storage failed');
      throw new DomainError(ErrorCode.ServiceUnavailable, 'File storage is unavailable, try again');
    }
    // The row was live a moment ago: a missing object means it was deleted since.
    if (!object) throw DomainError.notFound('File');
    return object;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
