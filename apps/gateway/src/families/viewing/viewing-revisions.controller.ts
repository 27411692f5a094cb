import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RevisionDataReply, ViewingSubjects } from '@quire/contracts';
import { Public, RpcClient } from '@quire/platform';
import { RequestId } from '../../auth/auth.guard';
import { invalid, pathSessionId, ViewerQuery } from './viewing-query';

/**
 * A comparison session's changes (ADR 020), paged with `limit` and the opaque `continueToken`.
 * A viewer call like the page API: the session id in the path is its only credential.
 */
@ApiTags('viewing')
@Controller('pas/v2/viewingSessions')
export class ViewingRevisionsController {
  constructor(private readonly rpc: RpcClient) {}

  @Public()
  @Get(':id/revisionData')
  @ApiOperation({ summary: 'Revisions of a comparison session (insertion | deletion | replacement, with rectangles per side); 480 NotReady + Retry-After past what is computed' })
  revisionData(@Param('id') id: string, @Query() query: ViewerQuery, @RequestId() requestId: string): Promise<RevisionDataReply> {
    const limit = query['limit'];
    const token = query['continueToken'];
    if (limit !== undefined && !/^[1-9]\d{0,4}$/.test(limit)) throw invalid('query', 'limit', 'limit must be a whole number from 1');
    if (token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(token)) throw invalid('query', 'continueToken', 'continueToken is not one this session answered');
    return this.rpc.request(
      ViewingSubjects.revisionData,
      { viewingSessionId: pathSessionId(id, 'viewingSessionId', 'bare'), ...(limit !== undefined ? { limit: Number(limit) } : {}), ...(token !== undefined ? { continueToken: token } : {}) },
      { requestId },
    );
  }
}
