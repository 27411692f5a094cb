import { Readable } from 'node:stream';
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { FileSubjects, FileViewReply, ViewFileRequest } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { ObjectBody, ObjectStorage, Public, RpcClient } from '@quire/platform';
import { RequestId } from '../../auth/auth.guard';
import { GatewayEnv } from '../../gateway.env';
import { ByteRange, contentDisposition, matchesEtag, parseRange } from './byte-ranges';
import { ViewFileParams, ViewFileQuery } from './file-upload.dto';
import { VariantCache } from './variant-cache';

/** Rendering a variant of a large image can take a while. */
const VIEW_TIMEOUT_MS = 30_000;

/** Objects up to this size are read whole and sent as one buffer; larger ones are streamed. */
const BUFFER_MAX_BYTES = 1024 * 1024;

/** Largest variant kept in the gateway's memory cache (a 320x240 PNG of a photo is ≈ 200 KiB). */
const VARIANT_CACHE_ENTRY_MAX_BYTES = 512 * 1024;

/** Types a browser may show in place; anything else is offered as a download. */
const INLINE_TYPES = /^(image\/(jpeg|png|gif|webp)|application\/pdf|text\/plain)(;|$)/;

/**
 * `GET /files/view/:id?auth_code=&time=&size=WxH`: authorised by the link's signature alone
 * (checked by the file service against the live row). The bytes come from S3 through here:
 * small objects and variants as one buffer, larger objects streamed.
 */
@ApiTags('file-upload')
@Controller('files/view')
export class FileViewController {
  private readonly variants: VariantCache;

  constructor(
    private readonly rpc: RpcClient,
    private readonly storage: ObjectStorage,
    env: GatewayEnv,
  ) {
    this.variants = new VariantCache(env.VIEW_CACHE_BYTES, VARIANT_CACHE_ENTRY_MAX_BYTES);
  }

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
    const link = { id: params.id, authCode: query.auth_code, time: query.time, size: query.size };
    const view = await this.rpc.request<FileViewReply>(FileSubjects.view, link, { requestId, timeoutMs: VIEW_TIMEOUT_MS });
    if (matchesEtag(header(request, 'if-none-match'), view.etag)) {
      void reply.status(304).headers(validators(view)).send();
      return;
    }
    if (view.variant) {
      const png = await this.variant(view, link, requestId);
      this.send(request, reply, view, png.length, (range) => (range ? png.subarray(range.start, range.end + 1) : png));
      return;
    }
    const size = view.size ?? 0;
    if (size <= BUFFER_MAX_BYTES) {
      // A small object is read whole and sent as one buffer (ranges cut from it).
      const bytes = await this.read(view.key);
      this.send(request, reply, view, bytes.length, (range) => (range ? bytes.subarray(range.start, range.end + 1) : bytes));
      return;
    }
    const range = parseRange(header(request, 'range'), size);
    const object = range === 'unsatisfiable' ? undefined : await this.fetch(view.key, range ? `bytes=${range.start}-${range.end}` : undefined);
    // The length S3 reports for what it sends (the row's size is the whole object's).
    this.send(request, reply, view, size, () => object!.body, range, object?.size);
  }

  /**
   * A variant's bytes: from memory when this gateway served them lately (VariantCache), else read
   * from S3 under the key the service named; when they are not there (or the service said it is
   * rendering them), the service renders them, stores them and answers once they are stored.
   */
  private async variant(view: FileViewReply, link: ViewFileRequest, requestId: string): Promise<Buffer> {
    const remembered = this.variants.get(view.key);
    if (remembered) return remembered;
    let png = view.rendering ? undefined : await this.read(view.key, true);
    if (!png) {
      const rendered = await this.rpc.request<FileViewReply>(FileSubjects.view, { ...link, render: true }, { requestId, timeoutMs: VIEW_TIMEOUT_MS });
      png = await this.read(rendered.key);
    }
    this.variants.set(view.key, png);
    return png;
  }

  /** Status, headers and body for the whole object or the request's range of it. */
  private send(
    request: FastifyRequest,
    reply: FastifyReply,
    view: FileViewReply,
    size: number,
    body: (range: ByteRange | undefined) => Buffer | Readable,
    range: ByteRange | 'unsatisfiable' | undefined = parseRange(header(request, 'range'), size),
    length = range && range !== 'unsatisfiable' ? range.end - range.start + 1 : size,
  ): void {
    if (range === 'unsatisfiable') {
      void reply.status(416).headers({ ...validators(view), 'Content-Range': `bytes */${size}` }).send();
      return;
    }
    void reply.headers({
      ...validators(view),
      'Content-Type': view.contentType,
      'Content-Length': String(length),
      'Content-Disposition': contentDisposition(INLINE_TYPES.test(view.contentType) ? 'inline' : 'attachment', view.fileName),
    });
    if (range) void reply.status(206).header('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    else void reply.status(200);
    void reply.send(body(range));
  }

  /** A whole object in memory; with `missingOk`, undefined when it is not there. */
  private async read(key: string, missingOk: true): Promise<Buffer | undefined>;
  private async read(key: string): Promise<Buffer>;
  private async read(key: string, missingOk = false): Promise<Buffer | undefined> {
    // ObjectStorage answers a missing object as undefined and S3 being down as SERVICE_UNAVAILABLE (503).
    const bytes = await this.storage.getBuffer(key);
    if (!bytes && !missingOk) throw DomainError.notFound('File');
    return bytes;
  }

  private async fetch(key: string, range: string | undefined): Promise<ObjectBody> {
    const object = await this.storage.get(key, range);
    // The row was live a moment ago: a missing object means it was deleted since.
    if (!object) throw DomainError.notFound('File');
    return object;
  }
}

function validators(view: FileViewReply): Record<string, string> {
  return { ETag: view.etag, 'Cache-Control': 'private, max-age=0, must-revalidate', 'Accept-Ranges': 'bytes' };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
