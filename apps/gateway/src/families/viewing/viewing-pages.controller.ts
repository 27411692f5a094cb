import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { PageContentTypes, PageImageReply, SourceFileLocation, ViewingSubjects } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage, Public, RpcClient } from '@quire/platform';
import { RequestId } from '../../auth/auth.guard';
import { GatewayEnv } from '../../gateway.env';
import { contentDisposition, matchesEtag } from '../file-upload/byte-ranges';
import { VariantCache } from '../file-upload/variant-cache';
import { comparisonSide, imageType, invalid, optionalNumber, pageNumber, pathSessionId, ViewerQuery, viewingSessionIdOf } from './viewing-query';

/** The service waits up to VIEWING_PAGE_WAIT_MS for a page; the call may take that much longer. */
const PAGE_TIMEOUT_MS = 65_000;
/** Page images of a session never change; they are private to whoever holds the session id. */
const IMAGE_CACHE_CONTROL = 'private, max-age=86400, immutable';
/** Largest page image kept in the gateway's memory (a text page at 96 dpi is 30–150 KiB as PNG). */
const PAGE_CACHE_ENTRY_MAX_BYTES = 1024 * 1024;

/**
 * The viewer's calls (PrizmDoc's page API, pages from 0, `DocumentID=u{viewingSessionId}`). The
 * session id is their only credential, hence @Public(): the service finds the session by it
 * (≥ 128 random bits, expiring, revocable). Images are streamed from S3 by the key the service
 * answers; they never cross NATS. Pages served lately are kept in memory by key and etag (both
 * name the content: a rendition's page key never holds other bytes, a stamped page's key is the
 * hash of what was stamped), used only after the service has answered that key for a live session.
 */
@ApiTags('viewing')
@Controller('pas')
export class ViewingPagesController {
  private readonly pages: VariantCache;

  constructor(
    private readonly rpc: RpcClient,
    private readonly storage: ObjectStorage,
    env: GatewayEnv,
  ) {
    this.pages = new VariantCache(env.VIEW_CACHE_BYTES, PAGE_CACHE_ENTRY_MAX_BYTES);
  }

  @Public()
  @Get('Document/q/Attributes')
  @ApiOperation({ summary: 'pageCount of the session document (DesiredPageCountConfidence ≤ 50 may answer an estimate sooner)' })
  documentAttributes(@Query() query: ViewerQuery, @RequestId() requestId: string): Promise<unknown> {
    const desiredConfidence = optionalNumber(query['DesiredPageCountConfidence'], 'DesiredPageCountConfidence', 1, 100);
    return this.rpc.request(
      ViewingSubjects.documentAttributes,
      { viewingSessionId: viewingSessionIdOf(query['DocumentID']), ...comparisonSide(query['side']), ...(desiredConfidence !== undefined ? { desiredConfidence } : {}) },
      { requestId, timeoutMs: PAGE_TIMEOUT_MS },
    );
  }

  @Public()
  @Get('Page/q/:page/Attributes')
  @ApiOperation({ summary: 'imageWidth / imageHeight of a page' })
  pageAttributes(@Param('page') page: string, @Query() query: ViewerQuery, @RequestId() requestId: string): Promise<unknown> {
    return this.rpc.request(
      ViewingSubjects.pageAttributes,
      { viewingSessionId: viewingSessionIdOf(query['DocumentID']), ...comparisonSide(query['side']), page: pageNumber(page) },
      { requestId, timeoutMs: PAGE_TIMEOUT_MS },
    );
  }

  @Public()
  @Get('Page/q/:page')
  @ApiOperation({ summary: 'A page image (Scale, ContentType png | jpeg | svg; side=original | revised of a comparison)' })
  async page(@Param('page') page: string, @Query() query: ViewerQuery, @Req() request: FastifyRequest, @Res() reply: FastifyReply, @RequestId() requestId: string): Promise<void> {
    const scale = optionalNumber(query['Scale'], 'Scale', 0.05, 8);
    const image = await this.rpc.request<PageImageReply>(
      ViewingSubjects.pageImage,
      {
        viewingSessionId: viewingSessionIdOf(query['DocumentID']),
        ...comparisonSide(query['side']),
        page: pageNumber(page),
        contentType: imageType(query['ContentType'], PageContentTypes, 'png'),
        ...(scale !== undefined ? { scale } : {}),
      },
      { requestId, timeoutMs: PAGE_TIMEOUT_MS },
    );
    await this.sendImage(request, reply, image);
  }

  @Public()
  @Get('Page/q/:page/:size')
  @ApiOperation({ summary: 'A thumbnail {W}x{H} from the bounded set (160x160 among them), png or jpeg' })
  async thumbnail(
    @Param('page') page: string,
    @Param('size') size: string,
    @Query() query: ViewerQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @RequestId() requestId: string,
  ): Promise<void> {
    const match = /^(\d{1,4})x(\d{1,4})$/.exec(size);
    if (!match) throw invalid('path', 'size', 'The thumbnail size is {W}x{H}');
    const image = await this.rpc.request<PageImageReply>(
      ViewingSubjects.pageImage,
      {
        viewingSessionId: viewingSessionIdOf(query['DocumentID']),
        ...comparisonSide(query['side']),
        page: pageNumber(page),
        contentType: imageType(query['ContentType'], ['png', 'jpeg'], 'png'),
        thumbnailWidth: Number(match[1]),
        thumbnailHeight: Number(match[2]),
      },
      { requestId, timeoutMs: PAGE_TIMEOUT_MS },
    );
    await this.sendImage(request, reply, image);
  }

  @Public()
  @Get('Document/q/:range/Text')
  @ApiOperation({ summary: 'Words with positions of pages begin..end' })
  text(@Param('range') range: string, @Query() query: ViewerQuery, @RequestId() requestId: string): Promise<unknown> {
    const match = /^(\d{1,6})-(\d{1,6})$/.exec(range);
    if (!match) throw invalid('path', 'range', 'The page range is {begin}-{end}');
    return this.rpc.request(
      ViewingSubjects.text,
      { viewingSessionId: viewingSessionIdOf(query['DocumentID']), ...comparisonSide(query['side']), begin: Number(match[1]), end: Number(match[2]) },
      { requestId, timeoutMs: PAGE_TIMEOUT_MS },
    );
  }

  @Public()
  @Get('ViewingSession/:id/SourceFile')
  @ApiOperation({ summary: 'The source document of a session (refused for watermarked sessions)' })
  async sourceFile(@Param('id') id: string, @Res() reply: FastifyReply, @RequestId() requestId: string): Promise<void> {
    const location = await this.rpc.request<SourceFileLocation>(ViewingSubjects.getSourceFile, { viewingSessionId: pathSessionId(id) }, { requestId });
    const object = await this.storage.get(location.objectKey);
    if (!object) throw DomainError.notFound('Source file', { errorCode: 'DocumentNotFound' });
    void reply
      .status(200)
      .header('content-type', location.contentType)
      .header('content-length', String(object.size))
      .header('content-disposition', contentDisposition('attachment', location.name))
      .header('cache-control', 'private, no-store')
      .send(object.body);
  }

  private async sendImage(request: FastifyRequest, reply: FastifyReply, image: PageImageReply): Promise<void> {
    if (matchesEtag(headerOf(request, 'if-none-match'), image.etag)) {
      void reply.status(304).header('etag', image.etag).header('cache-control', IMAGE_CACHE_CONTROL).send();
      return;
    }
    const cacheKey = `${image.objectKey}\n${image.etag}`;
    const remembered = this.pages.get(cacheKey);
    if (remembered) {
      void this.imageReply(reply, image, remembered.length).send(remembered);
      return;
    }
    const object = await this.storage.get(image.objectKey);
    if (!object) throw new DomainError(ErrorCode.ServiceUnavailable, 'The page image is not available, try again', { retryAfterSeconds: 1 });
    if (object.size > PAGE_CACHE_ENTRY_MAX_BYTES) {
      void this.imageReply(reply, image, object.size).send(object.body);
      return;
    }
    const bytes = await this.storage.readAll(object);
    this.pages.set(cacheKey, bytes);
    void this.imageReply(reply, image, bytes.length).send(bytes);
  }

  private imageReply(reply: FastifyReply, image: PageImageReply, size: number): FastifyReply {
    return reply
      .status(200)
      .header('content-type', image.contentType)
      .header('content-length', String(size))
      .header('etag', image.etag)
      .header('cache-control', IMAGE_CACHE_CONTROL);
  }
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
