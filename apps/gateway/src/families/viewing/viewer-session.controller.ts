import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ViewerSessionReply, ViewingSubjects } from '@quire/contracts';
import { Public, RpcClient } from '@quire/platform';
import { RequestId } from '../../auth/auth.guard';
import { ViewerQuery, viewingSessionIdOf } from './viewing-query';

/**
 * The browser viewer's first call (ADR 021; not a PrizmDoc route, hence under `/pas/quire`):
 * whether the session compares two documents, so the viewer lays out one column or two without
 * probing routes that would fail. Public like every viewer call: the session id is the credential.
 */
@ApiTags('viewing')
@Controller('pas/quire/viewerSession')
export class ViewerSessionController {
  constructor(private readonly rpc: RpcClient) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'kind (single | comparison) and expiry of a viewing session, for the browser viewer' })
  viewerSession(@Query() query: ViewerQuery, @RequestId() requestId: string): Promise<ViewerSessionReply> {
    return this.rpc.request(ViewingSubjects.viewerSession, { viewingSessionId: viewingSessionIdOf(query['DocumentID']) }, { requestId });
  }
}
