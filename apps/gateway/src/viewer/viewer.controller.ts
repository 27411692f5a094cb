import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Public } from '@quire/platform';
import { ViewerAssets } from './viewer-assets';

/**
 * The browser viewer (ADR 021). Public: the page and its script hold no data; the viewing
 * session id in the page's address is what its calls to the page API carry. Security headers
 * (the viewer's CSP, frame-ancestors from VIEWER_FRAME_ANCESTORS) come from the request hook.
 */
@ApiExcludeController()
@Controller('viewer')
export class ViewerController {
  constructor(private readonly viewer: ViewerAssets) {}

  @Public()
  @Get()
  page(@Query('viewingSessionId') viewingSessionId: unknown, @Res() reply: FastifyReply): void {
    if (!this.viewer.page) {
      void reply.status(503).header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store').send(`${this.viewer.missing}\n`);
      return;
    }
    void reply.status(200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(this.viewer.pageFor(viewingSessionId));
  }

  @Public()
  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const asset = this.viewer.asset(name);
    if (!asset) {
      void reply.status(404).header('content-type', 'text/plain; charset=utf-8').send('Not found\n');
      return;
    }
    void reply.status(200).header('content-type', asset.contentType).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body);
  }
}
